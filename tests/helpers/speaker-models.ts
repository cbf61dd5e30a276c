import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import onnxProto from 'onnx-proto'
import { speakerModelPaths } from '../../src/core/diarize/speaker-models'
import { compose, silence, spokenText, type ComposedAudio } from './speech-audio'

const { onnx } = onnxProto
const FLOAT = onnx.TensorProto.DataType.FLOAT
const INT64 = onnx.TensorProto.DataType.INT64

const tensor = (name: string, dims: number[], values: number[], type = FLOAT) =>
  onnx.TensorProto.create(
    type === FLOAT ? { name, dims, dataType: FLOAT, floatData: values } : { name, dims, dataType: INT64, int64Data: values },
  )
const value = (name: string, dims: (number | string)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  })
const ints = (name: string, v: number[]) =>
  onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: v })
const int = (name: string, v: number) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: v })
const op = (opType: string, input: string[], output: string[], attribute: onnxProto.onnx.IAttributeProto[] = []) =>
  onnx.NodeProto.create({ opType, input, output, attribute })

function model(graph: onnxProto.onnx.IGraphProto, meta: Record<string, string | number>): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      producerName: 'mp4totext-tests',
      graph,
      metadataProps: Object.entries(meta).map(([key, v]) => ({ key, value: String(v) })),
    }),
  ).finish()
}

// pyannote segmentation-3.0's shapes: 10 s windows, 589 frames of 270 samples, 7 powerset classes
const WINDOW = 160_000
const FIELD = 991
const SHIFT = 270
const FRAMES = Math.floor((WINDOW - FIELD) / SHIFT) + 1

/**
 * A stand-in for pyannote segmentation-3.0 with its real inputs, outputs and metadata, so
 * sherpa-onnx's real pipeline runs. Its rule is simple and known: per frame, the loudness of the
 * surrounding second decides — silence is nobody, loud speech local speaker 1, quiet speech local
 * speaker 2 (powerset classes 0, 1, 2). Not a model of voices: tests make their two voices differ
 * in loudness too.
 */
function segmentationModel(): Uint8Array {
  // natural-log energy thresholds: below L0 silence, above L1 loud
  const [L0, L1] = [-13.8, -6.9]
  const rest = [-100, -100, -100, -100]
  const graph = onnx.GraphProto.create({
    name: 'segmentation',
    node: [
      op('Slice', ['x', 'starts', 'ends', 'axes'], ['samples']),
      op('Reshape', ['samples', 'shape'], ['frames']),
      op('Mul', ['frames', 'frames'], ['squares']),
      op('ReduceMean', ['squares'], ['energy'], [ints('axes', [2]), int('keepdims', 0)]),
      op('Unsqueeze', ['energy', 'axis1'], ['energy3']),
      op(
        'AveragePool',
        ['energy3'],
        ['smooth'],
        [ints('kernel_shape', [59]), ints('pads', [29, 29]), int('count_include_pad', 0)],
      ),
      op('Add', ['smooth', 'eps'], ['positive']),
      op('Log', ['positive'], ['logEnergy1']),
      op('Transpose', ['logEnergy1'], ['logEnergy'], [ints('perm', [0, 2, 1])]),
      // class 1 rises with loudness above L1; class 2 is a tent between L0 and L1; class 0 is 0
      op('Mul', ['logEnergy', 'wA'], ['a1']),
      op('Add', ['a1', 'bA'], ['a']),
      op('Mul', ['logEnergy', 'wB'], ['b1']),
      op('Add', ['b1', 'bB'], ['b']),
      op('Min', ['a', 'b'], ['y']),
    ],
    initializer: [
      tensor('starts', [1], [0], INT64),
      tensor('ends', [1], [FRAMES * SHIFT], INT64),
      tensor('axes', [1], [2], INT64),
      tensor('shape', [3], [-1, FRAMES, SHIFT], INT64),
      tensor('axis1', [1], [1], INT64),
      tensor('eps', [1], [1e-10]),
      tensor('wA', [1, 1, 7], [0, 1, 1, 0, 0, 0, 0]),
      tensor('bA', [1, 1, 7], [0, -L1, -L0, ...rest]),
      tensor('wB', [1, 1, 7], [0, 1, -1, 0, 0, 0, 0]),
      tensor('bB', [1, 1, 7], [0, -L1, L1, ...rest]),
    ],
    input: [value('x', ['N', 1, WINDOW])],
    output: [value('y', ['N', FRAMES, 7])],
  })
  return model(graph, {
    model_type: 'pyannote',
    version: 1,
    model_author: 'mp4totext tests',
    maintainer: 'mp4totext tests',
    sample_rate: 16000,
    window_size: WINDOW,
    window_shift: WINDOW / 10,
    receptive_field_size: FIELD,
    receptive_field_shift: SHIFT,
    num_speakers: 3,
    powerset_max_classes: 2,
    num_classes: 7,
  })
}

/**
 * A stand-in speaker-embedding model with 3D-Speaker's interface (80-bin fbank in, a vector out):
 * the stretch's average spectrum shape (mean log-mel, centred across bins), which tells a low
 * and a high voice apart.
 */
function embeddingModel(): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'embedding',
    node: [
      op('ReduceMean', ['x'], ['mean'], [ints('axes', [1]), int('keepdims', 0)]),
      op('ReduceMean', ['mean'], ['level'], [ints('axes', [1]), int('keepdims', 1)]),
      op('Sub', ['mean', 'level'], ['embedding']),
    ],
    input: [value('x', ['N', 'T', 80])],
    output: [value('embedding', ['N', 80])],
  })
  return model(graph, {
    framework: '3d-speaker',
    language: 'English',
    url: 'generated by the tests',
    comment: 'generated by the tests',
    output_dim: 80,
    sample_rate: 16000,
    normalize_samples: 1,
    feature_normalize_type: '',
  })
}

/** Both generated models where the app looks for them (`<models folder>/speakers/`). */
export function installSpeakerModels(modelsDir: string): { segmentation: string; embedding: string } {
  const paths = speakerModelPaths(modelsDir)
  mkdirSync(path.dirname(paths.segmentation), { recursive: true })
  writeFileSync(paths.segmentation, segmentationModel())
  writeFileSync(paths.embedding, embeddingModel())
  return paths
}

/**
 * Makes `file` a model that passes the app's own checks (ONNX, a graph, the metadata sherpa-onnx
 * reads) but that onnxruntime cannot load: an operator that does not exist. sherpa-onnx lets
 * onnxruntime's C++ exception end the process that loaded it (`terminate called after throwing
 * an instance of 'Ort::Exception'`).
 */
export function breakSpeakerModel(file: string): void {
  const m = onnx.ModelProto.decode(readFileSync(file))
  m.graph!.node![0]!.opType = 'NoSuchOp'
  writeFileSync(file, onnx.ModelProto.encode(m).finish())
}

/** Two voices one after the other: a low, loud one, 1.5 s of silence, a high, quieter one. */
export function twoVoices(): ComposedAudio {
  const a = spokenText('Good morning everyone. Today we will talk about the release plan and the schedule for next week.', {
    pitch: 20,
  })
  const b = spokenText('Thank you. I have prepared the notes and I will send them to the whole team after this meeting.', {
    name: 'en-us+f3',
    pitch: 90,
  }).map((x) => x * 0.15)
  return compose([{ other: silence(0.3) }, { speech: a }, { other: silence(1.5) }, { speech: b }, { other: silence(0.3) }])
}

/** The two voices of the speaker tests: a low one, and a high one (espeak-ng's en-us+f3). */
export const lowVoice = (text: string): Float32Array => spokenText(text, { pitch: 20 })
export const highVoice = (text: string): Float32Array => spokenText(text, { name: 'en-us+f3', pitch: 90 })

/**
 * Two people one after the other with a pause between: the first loud, the second quiet (the
 * generated segmentation model tells local speakers apart by loudness; the embedding model tells
 * the voices apart by their spectrum, whatever their loudness).
 */
export function conversation(first: Float32Array, second: Float32Array): ComposedAudio {
  const scaled = (x: Float32Array, to: number) => {
    const gain = to / (x.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1)
    return x.map((v) => v * gain)
  }
  const loud = scaled(first, 0.6)
  const quiet = scaled(second, 0.09)
  return compose([{ other: silence(0.3) }, { speech: loud }, { other: silence(1.5) }, { speech: quiet }, { other: silence(0.3) }])
}
