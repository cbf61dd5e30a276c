import { promises as fs } from 'node:fs'
import type { PartialAudio, Segment } from '../../shared/transcribe-types'
import { AppError } from '../../shared/errors'
import { decodeWindows, type DecodeSummary } from '../media/decode'
import { probe, type MediaInfo } from '../media/probe'
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
  /** set when the file stopped decoding before its audio's end: what was decoded is kept */
  partial: PartialAudio | null
  /** seconds of audio transcribed */
  audioSec: number
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
 *
 * Times are on the file's timeline, as a player shows them: audio that starts 2 s after the
 * picture puts a word 3 s into the sound at 5 s, where the player plays it. Completeness is
 * judged against the audio stream's own length, never the picture's: a sound track that ends
 * early or starts late is normal. A file that stops decoding before its audio's end is kept
 * and marked partial; a finished transcription is never thrown away.
 */
export async function transcribeFile(
  file: string,
  engine: WhisperServer,
  params: InferenceParams,
  hooks: { onProgress?: (p: TranscribeProgress) => void; signal?: AbortSignal; windowSec?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<TranscribeOutcome> {
  const info = await probe(file, hooks.env)
  const offset = info.audioStartSec
  // the audio's length, for progress and completeness: its own if declared, else what remains
  // of the container's after the audio starts
  const fallbackSec = info.durationSec > 0 ? Math.max(0, info.durationSec - offset) : null
  const expectedSec = info.audioDurationSec ?? fallbackSec
  const total = Math.max(expectedSec ?? 0, 0.001)
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
  const windows = decodeWindows(file, hooks.windowSec ?? WINDOW_SEC, {
    signal: hooks.signal,
    env: hooks.env,
    streamIndex: info.audioStreamIndex,
  })
  let pending = windows.next()
  let summary: DecodeSummary | null = null
  try {
    for (;;) {
      const step = await pending
      if (step.done) summary = step.value
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
        // window times are in the audio stream; the transcript's are on the file's timeline
        const lo = offset + w.startSec
        const hi = offset + windowEnd
        for (const s of r.segments) {
          const text = s.text.trim()
          if (!text) continue
          const prevEnd = segments.at(-1)?.end ?? lo
          const start = Math.min(hi, Math.max(prevEnd, lo + s.start))
          const end = Math.min(hi, Math.max(start, lo + s.end))
          segments.push({ id: segments.length, start: round3(start), end: round3(end), text })
        }
      } finally {
        await fs.rm(w.wavPath, { force: true })
      }
      decodedSec = windowEnd
      report(decodedSec)
    }
  } finally {
    // stops ffmpeg and removes the temp folder when we leave early (cancel, engine error)
    await windows.return({ decodedSec, readError: null })
  }
  if (hooks.signal?.aborted) throw new AppError('cancelled', 'Cancelled')
  return {
    segments,
    info,
    language,
    elapsedSec: (performance.now() - started) / 1000,
    partial: partialAudio(info, decodedSec, summary?.readError ?? null),
    audioSec: decodedSec,
  }
}

/**
 * Was the audio decoded to its end? Against the audio stream's own declared length, a shortfall
 * means the file was cut short. Where the container declares no length per stream, a sound track
 * shorter than the file is normal, so only a reading error at the end says "cut short" (measured
 * then against the rest of the file after the audio starts).
 */
export function partialAudio(info: MediaInfo, decodedSec: number, readError: string | null): PartialAudio | null {
  const declared = info.audioDurationSec
  const expected = declared ?? (readError && info.durationSec > 0 ? info.durationSec - info.audioStartSec : null)
  if (expected === null || expected <= 0) return null
  if (decodedSec >= expected - Math.max(1, expected * 0.02)) return null
  return { decodedSec: round1(decodedSec), expectedSec: round1(expected) }
}

const round1 = (x: number) => Math.round(x * 10) / 10

const round3 = (x: number) => Math.round(x * 1000) / 1000
