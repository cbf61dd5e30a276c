import { readFile } from 'node:fs/promises'
import onnxProto from 'onnx-proto'
import { keyedError } from '../../shared/errors'

/**
 * What sherpa-onnx reads from each model's metadata. It ends the whole process (C++ `exit`) when
 * a key is missing or the file is not ONNX, which a worker thread cannot contain: so every file is
 * parsed here first and refused with a message that names it.
 */
const REQUIRED_METADATA = {
  segmentation: [
    'sample_rate',
    'window_size',
    'receptive_field_size',
    'receptive_field_shift',
    'num_speakers',
    'powerset_max_classes',
    'num_classes',
  ],
  embedding: ['framework', 'sample_rate', 'output_dim'],
} as const

export async function checkSpeakerModel(file: string, role: keyof typeof REQUIRED_METADATA): Promise<void> {
  const bad = (why: string) =>
    keyedError(
      'invalid-input',
      'speaker-model-unusable',
      { file, why },
      `${file} is not a usable speaker ${role} model (${why}). Delete it and download it again on the Models page. The transcript is kept without speakers.`,
    )
  const bytes = await readFile(file)
  let model: onnxProto.onnx.ModelProto
  try {
    model = onnxProto.onnx.ModelProto.decode(bytes)
  } catch (err) {
    throw bad(`not an ONNX file, or cut short: ${(err as Error).message}`)
  }
  const g = model.graph
  if (!g?.node?.length || !g.input?.length || !g.output?.length) {
    throw bad('it has no model graph')
  }
  const keys = new Set((model.metadataProps ?? []).map((p) => p.key))
  const missing = REQUIRED_METADATA[role].filter((k) => !keys.has(k))
  if (missing.length) throw bad(`its metadata lacks ${missing.join(', ')}`)
}
