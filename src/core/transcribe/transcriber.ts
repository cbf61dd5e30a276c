import { promises as fs } from 'node:fs'
import type { Segment } from '../../shared/transcribe-types'
import { AppError } from '../../shared/errors'
import { decodeWindows } from '../media/decode'
import { MediaError, probe, type MediaInfo } from '../media/probe'
import type { InferenceParams, WhisperServer } from './whisper-server'

export interface TranscribeProgress {
  /** 0..1 of the file's audio */
  fraction: number
  etaSec: number | null
  realtimeFactor: number | null
}

export interface TranscribeOutcome {
  segments: Segment[]
  info: MediaInfo
  language: string | null
  elapsedSec: number
}

/**
 * 5-minute windows: long enough that few sentences are cut at a boundary, short enough that the
 * engine's own buffers (samples, mel spectrogram) stay small whatever the file's length.
 */
export const WINDOW_SEC = 300

/**
 * Decode a file window by window and transcribe each on the warm engine. Segment times are
 * shifted by the window's offset so they are continuous across windows, and clamped to the
 * audio that exists (a random or confused model can name times past the end).
 */
export async function transcribeFile(
  file: string,
  engine: WhisperServer,
  params: InferenceParams,
  hooks: { onProgress?: (p: TranscribeProgress) => void; signal?: AbortSignal; windowSec?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<TranscribeOutcome> {
  const info = await probe(file, hooks.env)
  const total = Math.max(info.durationSec, 0.001)
  const started = performance.now()
  const segments: Segment[] = []
  let language: string | null = null
  let decodedSec = 0
  const report = (audioDoneSec: number) => {
    const elapsed = (performance.now() - started) / 1000
    const fraction = Math.min(1, audioDoneSec / total)
    const rtf = audioDoneSec > 0 ? elapsed / audioDoneSec : null
    hooks.onProgress?.({ fraction, etaSec: rtf === null ? null : Math.max(0, (total - audioDoneSec) * rtf), realtimeFactor: rtf })
  }
  report(0)
  // Decode the next window while the engine works on this one, so decoding costs no wall time
  // after the first window.
  const windows = decodeWindows(file, hooks.windowSec ?? WINDOW_SEC, hooks.signal, hooks.env)
  let pending = windows.next()
  try {
    for (;;) {
      const step = await pending
      if (step.done || hooks.signal?.aborted) break
      const w = step.value
      pending = windows.next()
      pending.catch(() => undefined) // surfaced when awaited; never unhandled meanwhile
      const windowEnd = w.startSec + w.durationSec
      try {
        const r = await engine.transcribe(
          w.wavPath,
          params,
          (f) => report(w.startSec + f * (windowEnd - w.startSec)),
          hooks.signal,
        )
        language ??= r.language
        for (const s of r.segments) {
          const text = s.text.trim()
          if (!text) continue
          const prevEnd = segments.at(-1)?.end ?? 0
          const start = Math.min(windowEnd, Math.max(prevEnd, w.startSec + s.start))
          const end = Math.min(windowEnd, Math.max(start, w.startSec + s.end))
          segments.push({ id: segments.length, start: round3(start), end: round3(end), text })
        }
      } finally {
        await fs.rm(w.wavPath, { force: true })
      }
      decodedSec = windowEnd
      report(decodedSec)
    }
  } finally {
    await windows.return(undefined)
  }
  if (hooks.signal?.aborted) throw new AppError('cancelled', 'Cancelled')
  // A file that decodes to much less than its header promises was cut short: say so rather than
  // hand back a transcript that silently stops early.
  if (info.durationSec > 0 && decodedSec < info.durationSec - Math.max(1, info.durationSec * 0.02)) {
    throw new MediaError(
      'corrupt',
      `Only ${decodedSec.toFixed(1)} s of ${info.durationSec.toFixed(1)} s could be decoded: the file is truncated or damaged.`,
    )
  }
  return { segments, info, language, elapsedSec: (performance.now() - started) / 1000 }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000
