import { AppError, keyedError } from '../../shared/errors'
import { startNativeChild } from '../runtime/native-child'
import { SPEAKER_WORKER_SOURCE } from './speaker-worker-source'
import { sherpaOnnxPath } from '../vad/vad-model'

/** A stretch of audio and who speaks in it (0-based cluster number), seconds on the file's timeline. */
export interface SpeakerTurn {
  start: number
  end: number
  speaker: number
}

/** One cluster's voice: the mean of its turns' (unit-length) embeddings, weighted by their length. */
export interface ClusterVoice {
  speaker: number
  seconds: number
  embedding: number[]
}

export interface SpeakerTurnOptions {
  models: { segmentation: string; embedding: string }
  /** 'auto': as many as the clustering threshold finds */
  speakers: 'auto' | number
  /** cosine-distance threshold of the clustering: higher joins more voices into one speaker */
  threshold: number
  signal?: AbortSignal
  onLoaded?: () => void
}

/**
 * Who speaks when in a 16 kHz mono WAV, by sherpa-onnx's offline diarization (pyannote
 * segmentation + speaker embeddings + clustering) in a child process, so the app's event loop
 * stays free and a model that aborts sherpa-onnx ends only the child; cancelling ends it at once.
 * A model file that sherpa-onnx cannot load is named in the error.
 */
export async function detectSpeakerTurns(wavPath: string, opts: SpeakerTurnOptions): Promise<SpeakerTurn[]> {
  return (await detectSpeakers(wavPath, opts)).turns
}

/** Who speaks when, and each speaker's voice (see ClusterVoice), from one run of the models. */
export async function detectSpeakers(
  wavPath: string,
  opts: SpeakerTurnOptions,
): Promise<{ turns: SpeakerTurn[]; voices: ClusterVoice[] }> {
  if (opts.signal?.aborted) throw new AppError('cancelled', 'Cancelled')
  const workerData = {
    sherpaPath: sherpaOnnxPath(),
    segmentation: opts.models.segmentation,
    embedding: opts.models.embedding,
    numClusters: opts.speakers === 'auto' ? -1 : opts.speakers,
    threshold: opts.threshold,
    wavPath,
  }
  type Raw = { turns?: [number, number, number][]; voices?: [number, number, number[]][] }
  const raw = await new Promise<Raw>((resolve, reject) => {
    const child = startNativeChild({ script: SPEAKER_WORKER_SOURCE }, workerData)
    let settled = false
    let stage = 'load'
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      child.kill()
      fn()
    }
    const onAbort = () => finish(() => reject(new AppError('cancelled', 'Cancelled')))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    child.onMessage((message) => {
      const m = message as Raw & { type: string; stage?: string; message?: string }
      if (m.type === 'loaded') {
        stage = 'process'
        opts.onLoaded?.()
      } else if (m.type === 'done') finish(() => resolve(m))
      else finish(() => reject(workerError(m.stage ?? 'process', m.message ?? 'unknown error', opts.models)))
    })
    child.onExit(({ reason }) => finish(() => reject(crashError(stage, reason, opts.models))))
  })
  const ms = (x: number) => Math.round(x * 1000) / 1000
  const turns = (raw.turns ?? [])
    .map(([start, end, speaker]) => ({ start: ms(start), end: ms(end), speaker }))
    .filter((t) => t.end > t.start)
    .sort((a, b) => a.start - b.start)
  const voices = (raw.voices ?? []).map(([speaker, seconds, embedding]) => ({ speaker, seconds, embedding }))
  return { turns, voices }
}

function workerError(stage: string, detail: string, models: SpeakerTurnOptions['models']): AppError {
  const first = detail.split('\n')[0] ?? ''
  if (stage === 'load') {
    return keyedError(
      'invalid-input',
      'speaker-models-unloadable',
      { detail: first, files: `${models.segmentation}, ${models.embedding}` },
      `The speaker models could not be loaded (${first}). One of ${models.segmentation} and ${models.embedding} is damaged or not a speaker model: delete it and download it again on the Models page. The transcript is kept without speakers.`,
    )
  }
  return keyedError(
    'internal',
    'speakers-failed',
    { detail: first },
    `Speaker detection failed: ${first}. The transcript is kept without speakers.`,
  )
}

/** sherpa-onnx ended the child (an uncaught onnxruntime exception): the models are the suspects. */
function crashError(stage: string, reason: string, models: SpeakerTurnOptions['models']): AppError {
  const where = stage === 'load' ? 'while loading the speaker models' : 'while telling the voices apart'
  // onnxruntime's message names the file it could not load: then that one is the one to replace
  const named = [models.segmentation, models.embedding].filter((f) => reason.includes(f))
  const suspects = named.length === 1 ? named[0] : `${models.segmentation} or ${models.embedding}`
  return keyedError(
    'engine-crashed',
    'speakers-crashed',
    { reason, files: named.length === 1 ? named[0]! : `${models.segmentation}, ${models.embedding}` },
    `Speaker detection stopped abruptly ${where} (${reason}). ${suspects} is damaged or not a model it can run: delete it and download it again on the Models page. The transcript is kept without speakers.`,
  )
}
