import { VAD_DEFAULTS } from '../../shared/settings-types'
import { AppError } from '../../shared/errors'
import { startNativeChild } from '../runtime/native-child'
import { VAD_WORKER_SOURCE } from './vad-worker-source'
import { padRegions, type TimeRange } from './speech-pieces'
import { checkVadModel, sherpaOnnxPath, vadModelPath } from './vad-model'
import { readWavInfo } from './wav-file'

export interface VadOptions {
  /** Silero's speech probability above which a 32 ms window counts as speech (0–1) */
  threshold: number
  /** silence this long ends a region */
  minSilenceSec: number
  /** shorter bursts are not speech (clicks, coughs) */
  minSpeechSec: number
  /** added before and after every region, clamped to the audio */
  paddingSec: number
  /**
   * A region running longer is split where the speech probability dips (sherpa-onnx raises the
   * threshold to 0.9 and shortens the silence it waits for once a region passes this length).
   */
  maxRegionSec: number
}

/** Silero's own defaults for threshold and minimum speech; padding as faster-whisper's. */
export const DEFAULT_VAD_OPTIONS: VadOptions = {
  threshold: VAD_DEFAULTS.threshold,
  minSilenceSec: 0.5,
  minSpeechSec: 0.25,
  paddingSec: VAD_DEFAULTS.paddingSec,
  maxRegionSec: 30,
}

export interface DetectHooks {
  signal?: AbortSignal
  /** seconds of audio examined so far, now and then */
  onProgress?: (doneSec: number) => void
  /** the packaged app's resources folder, where the model ships */
  resourcesDir?: string
  env?: NodeJS.ProcessEnv
}

interface EngineMessage {
  type: 'progress' | 'done' | 'error'
  doneSamples?: number
  regions?: [number, number][]
  totalSamples?: number
  message?: string
}

/**
 * Where the speech is in a 16 kHz mono 16-bit WAV file (what `decodeWindows` writes), in seconds
 * from the file's start, padded, in order, not overlapping. Pure silence or noise gives [].
 *
 * Silero VAD v5 runs through sherpa-onnx in a child process (../runtime/native-child.ts), so the
 * host's event loop stays free and an engine abort is this call's error, not the host's end; the
 * child reads the file in blocks, so memory stays flat however long the audio. Cancelling through
 * `signal` ends the child at once.
 */
export async function detectSpeech(
  wavPath: string,
  options: Partial<VadOptions> = {},
  hooks: DetectHooks = {},
): Promise<TimeRange[]> {
  const opts = checkOptions({ ...DEFAULT_VAD_OPTIONS, ...options })
  if (hooks.signal?.aborted) throw new AppError('cancelled', 'Cancelled')
  const info = await readWavInfo(wavPath)
  const workerData = {
    sherpaPath: sherpaOnnxPath(),
    modelPath: checkVadModel(vadModelPath({ resourcesDir: hooks.resourcesDir, env: hooks.env })),
    wavPath,
    dataOffset: info.dataOffset,
    dataBytes: info.dataBytes,
    sampleRate: info.sampleRate,
    config: opts,
  }
  const sr = info.sampleRate
  const raw = await new Promise<[number, number][]>((resolve, reject) => {
    const child = startNativeChild({ script: VAD_WORKER_SOURCE }, workerData)
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      hooks.signal?.removeEventListener('abort', onAbort)
      child.kill()
      fn()
    }
    const onAbort = () => finish(() => reject(new AppError('cancelled', 'Cancelled')))
    hooks.signal?.addEventListener('abort', onAbort, { once: true })
    child.onMessage((message) => {
      const m = message as EngineMessage
      if (m.type === 'progress') hooks.onProgress?.((m.doneSamples ?? 0) / sr)
      else if (m.type === 'done') finish(() => resolve(m.regions ?? []))
      else finish(() => reject(vadError(m.message ?? 'unknown error')))
    })
    child.onExit(({ reason }) =>
      finish(() =>
        reject(
          new AppError(
            'engine-crashed',
            `Speech detection stopped abruptly (${reason}). Transcribe with speech detection off (Settings, or --no-vad on the command line).`,
          ),
        ),
      ),
    )
  })
  const total = info.durationSec
  const regions = raw.map(([s0, s1]) => ({ start: Math.min(total, s0 / sr), end: Math.min(total, s1 / sr) }))
  const ms = (x: number) => Math.round(x * 1000) / 1000
  return padRegions(regions, opts.paddingSec, total).map((r) => ({ start: ms(r.start), end: ms(r.end) }))
}

function vadError(detail: string): AppError {
  return new AppError(
    'internal',
    `Speech detection failed: ${detail}. Transcribe with speech detection off (Settings, or --no-vad on the command line).`,
  )
}

function checkOptions(o: VadOptions): VadOptions {
  const bad = (field: string, range: string) =>
    new AppError('invalid-input', `Speech detection ${field} must be ${range}; it is ${String(o[field as keyof VadOptions])}.`)
  if (!(o.threshold > 0 && o.threshold < 1)) throw bad('threshold', 'between 0 and 1')
  if (!(o.minSilenceSec >= 0.01 && o.minSilenceSec <= 10)) throw bad('minSilenceSec', '0.01–10 s')
  if (!(o.minSpeechSec >= 0 && o.minSpeechSec <= 10)) throw bad('minSpeechSec', '0–10 s')
  if (!(o.paddingSec >= 0 && o.paddingSec <= 5)) throw bad('paddingSec', '0–5 s')
  if (!(o.maxRegionSec >= 1 && o.maxRegionSec <= 600)) throw bad('maxRegionSec', '1–600 s')
  return o
}
