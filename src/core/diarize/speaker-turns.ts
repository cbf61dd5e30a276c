import { Worker } from 'node:worker_threads'
import { AppError } from '../../shared/errors'
import { sherpaOnnxPath } from '../vad/vad-model'
import { SPEAKER_WORKER_SOURCE } from './speaker-worker-source'

/** A stretch of audio and who speaks in it (0-based cluster number), seconds on the file's timeline. */
export interface SpeakerTurn {
  start: number
  end: number
  speaker: number
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
 * segmentation + speaker embeddings + clustering) in a worker thread, so the app's event loop
 * stays free; cancelling ends the worker at once. A model file that sherpa-onnx cannot load is
 * named in the error.
 */
export async function detectSpeakerTurns(wavPath: string, opts: SpeakerTurnOptions): Promise<SpeakerTurn[]> {
  if (opts.signal?.aborted) throw new AppError('cancelled', 'Cancelled')
  const workerData = {
    sherpaPath: sherpaOnnxPath(),
    segmentation: opts.models.segmentation,
    embedding: opts.models.embedding,
    numClusters: opts.speakers === 'auto' ? -1 : opts.speakers,
    threshold: opts.threshold,
    wavPath,
  }
  const raw = await new Promise<[number, number, number][]>((resolve, reject) => {
    const worker = new Worker(SPEAKER_WORKER_SOURCE, { eval: true, workerData })
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      opts.signal?.removeEventListener('abort', onAbort)
      void worker.terminate()
      fn()
    }
    const onAbort = () => finish(() => reject(new AppError('cancelled', 'Cancelled')))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (m: { type: string; turns?: [number, number, number][]; stage?: string; message?: string }) => {
      if (m.type === 'loaded') opts.onLoaded?.()
      else if (m.type === 'done') finish(() => resolve(m.turns ?? []))
      else finish(() => reject(workerError(m.stage ?? 'process', m.message ?? 'unknown error', opts.models)))
    })
    worker.on('error', (err) => finish(() => reject(workerError('process', err.message, opts.models))))
    worker.on('exit', (code) =>
      finish(() => reject(workerError('process', `the worker stopped (exit code ${code})`, opts.models))),
    )
  })
  const ms = (x: number) => Math.round(x * 1000) / 1000
  return raw
    .map(([start, end, speaker]) => ({ start: ms(start), end: ms(end), speaker }))
    .filter((t) => t.end > t.start)
    .sort((a, b) => a.start - b.start)
}

function workerError(stage: string, detail: string, models: SpeakerTurnOptions['models']): AppError {
  if (stage === 'load') {
    return new AppError(
      'invalid-input',
      `The speaker models could not be loaded (${detail.split('\n')[0]}). One of ${models.segmentation} and ${models.embedding} is damaged or not a speaker model: delete it and download it again on the Models page. The transcript is kept without speakers.`,
    )
  }
  return new AppError('internal', `Speaker detection failed: ${detail.split('\n')[0]}. The transcript is kept without speakers.`)
}
