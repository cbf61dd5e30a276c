import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { PartialAudio, Segment } from '../../shared/transcribe-types'
import { AppError } from '../../shared/errors'
import { decodeWindows, PCM_DIR_PREFIX, type DecodeSummary } from '../media/decode'
import { probe, probeStreams, type MediaInfo } from '../media/probe'
import { mapBack, type PackedLayout } from '../vad/speech-pieces'
import type { VadOptions } from '../vad/speech-regions'
import { speechOnlyWav } from '../vad/speech-wav'
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
  /** speech detection was on and found no speech anywhere in the audio */
  noSpeech: boolean
}

export interface TranscribeHooks {
  onProgress?: (p: TranscribeProgress) => void
  /** the step now under way, before it reports any progress */
  onStage?: (stage: 'detecting-speech' | 'decoding') => void
  signal?: AbortSignal
  windowSec?: number
  env?: NodeJS.ProcessEnv
  /** voice activity detection: only speech goes to the engine (null or absent: off) */
  vad?: Partial<VadOptions> | null
  /** the packaged app's resources (where the VAD model ships) */
  resourcesDir?: string
  /**
   * When the engine fails on a window after earlier ones are done, return what is done, marked
   * partial with the engine's error, instead of throwing (absent: throw; for callers that need
   * all of the audio or nothing).
   */
  keepDoneWindows?: boolean
}

/**
 * 5-minute windows: long enough that few sentences are cut at a boundary, short enough that the
 * engine's own buffers (samples, mel spectrogram) stay small whatever the file's length.
 */
export const WINDOW_SEC = 300
/**
 * The first window is whisper's own 30 s piece: decoding it takes a tenth of the time, so the
 * engine starts on the file 0.3 s sooner here (the windows after it are decoded while the engine
 * works). Like every window, it ends in a pause when there is one near its end.
 */
export const FIRST_WINDOW_SEC = 30
/** whisper.cpp's own floor (`delta_min`, 10 mel frames): shorter audio gives no text */
const ENGINE_MIN_SEC = 0.1

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
  hooks: TranscribeHooks = {},
): Promise<TranscribeOutcome> {
  // Which stream to decode, or a refusal, comes from a quick look at the streams (milliseconds);
  // the timing probe (ffmpeg at trace level: a tenth of a second for ten minutes of mp4, more the
  // longer the file) runs beside the decoding and the first window's transcription, and is
  // awaited only where its answer is needed: placing that window's segments on the timeline.
  const streams = await probeStreams(file, hooks.env)
  const probing = probe(file, hooks.env, hooks.signal)
  probing.catch(() => undefined) // surfaced when awaited; never unhandled meanwhile
  // Decode the next window while the engine works on this one, so decoding costs no wall time
  // after the first window.
  const windowSec = hooks.windowSec ?? WINDOW_SEC
  const windows = decodeWindows(file, windowSec, {
    firstWindowSec: Math.min(FIRST_WINDOW_SEC, windowSec),
    signal: hooks.signal,
    env: hooks.env,
    streamIndex: streams.audioStreamIndex,
  })
  let pending = windows.next()
  pending.catch(() => undefined) // surfaced when awaited; never unhandled meanwhile
  let timing: Timing | null = null
  const timed = async (): Promise<Timing> => (timing ??= timingOf(await probing))
  const started = performance.now()
  const segments: Segment[] = []
  let language: string | null = null
  let decodedSec = 0
  let speechFound = false
  const report = (audioDoneSec: number) => {
    const elapsed = (performance.now() - started) / 1000
    // until the timing probe answers, the length the container states outright
    const total = (timing ?? timingOf(streams)).total
    const fraction = Math.min(1, audioDoneSec / total)
    const rtf = audioDoneSec > 0 ? elapsed / audioDoneSec : null
    hooks.onProgress?.({ fraction, etaSec: rtf === null ? null : Math.max(0, (total - audioDoneSec) * rtf), realtimeFactor: rtf })
  }
  report(0)
  let summary: DecodeSummary | null = null
  let engineError: string | null = null
  // The decoder removes its folder once it is asked for the window after the last, which happens
  // while that window is still being worked on (the next read starts early): each window is
  // linked into a folder of our own before the next is asked for. Named with our pid, like the
  // decoder's, for the start-up sweep.
  const work = await fs.mkdtemp(path.join(os.tmpdir(), `${PCM_DIR_PREFIX}${process.pid}-`))
  try {
    for (;;) {
      const step = await pending
      if (step.done) summary = step.value
      if (step.done || hooks.signal?.aborted) break
      const w = step.value
      const windowEnd = w.startSec + w.durationSec
      const wavPath = path.join(work, path.basename(w.wavPath))
      // taken before the next window is asked for: asking lets the decoder finish, and after the
      // last window it removes its folder at once
      await fs.link(w.wavPath, wavPath).catch(() => fs.copyFile(w.wavPath, wavPath))
      await fs.rm(w.wavPath, { force: true })
      pending = windows.next()
      pending.catch(() => undefined) // surfaced when awaited; never unhandled meanwhile
      const speechPath = wavPath.replace(/\.wav$/, '-speech.wav')
      try {
        if (w.durationSec < ENGINE_MIN_SEC) {
          // whisper transcribes nothing from less than 100 ms, and whisper-server answers 500 for
          // a few dozen samples: a file this short is heard as silence, not as an engine failure
          decodedSec = windowEnd
          report(decodedSec)
          continue
        }
        let input = wavPath
        let layout: PackedLayout | null = null
        if (hooks.vad) {
          hooks.onStage?.('detecting-speech')
          const speech = await speechOnly(wavPath, speechPath, hooks)
          if (speech && speech.layout.pieces.length === 0) {
            // nothing but silence or noise here: whisper never sees it, so it cannot invent text
            decodedSec = windowEnd
            report(decodedSec)
            continue
          }
          if (speech) {
            speechFound = true
            input = speechPath
            layout = speech.layout
          }
        }
        let r: Awaited<ReturnType<WhisperServer['transcribe']>>
        hooks.onStage?.('decoding')
        try {
          r = await engine.transcribe(input, params, (f) => report(w.startSec + f * (windowEnd - w.startSec)), hooks.signal)
        } catch (err) {
          // the windows already done are the user's: a later window's failure does not undo them
          if (!hooks.keepDoneWindows || decodedSec <= 0 || hooks.signal?.aborted) throw err
          if (err instanceof AppError && err.code === 'cancelled') throw err
          engineError = err instanceof Error ? err.message : String(err)
          break
        }
        language ??= r.language
        // window times are in the audio stream; the transcript's are on the file's timeline
        const { offset } = await timed()
        const lo = offset + w.startSec
        const hi = offset + windowEnd
        for (const raw of r.segments) {
          const text = raw.text.trim()
          if (!text) continue
          // speech-only audio: times in the packed pieces back to times in the window
          const s = layout ? mapBack(layout, raw) : raw
          const prevEnd = segments.at(-1)?.end ?? lo
          const start = Math.min(hi, Math.max(prevEnd, lo + s.start))
          const end = Math.min(hi, Math.max(start, lo + s.end))
          // words on the same timeline, kept inside their segment and in order
          let prev = start
          const words = raw.words?.map((w) => {
            const m = layout ? mapBack(layout, w) : w
            const ws = Math.min(end, Math.max(prev, lo + m.start))
            const we = Math.min(end, Math.max(ws, lo + m.end))
            prev = ws
            return { start: round3(ws), end: round3(we), text: w.text, probability: round3(w.probability) }
          })
          segments.push({
            id: segments.length,
            start: round3(start),
            end: round3(end),
            text,
            ...(words?.length ? { words } : {}),
          })
        }
      } finally {
        await fs.rm(wavPath, { force: true })
        await fs.rm(speechPath, { force: true })
      }
      decodedSec = windowEnd
      report(decodedSec)
    }
  } finally {
    // stops ffmpeg and removes the temp folder when we leave early (cancel, engine error)
    await windows.return({ decodedSec, readError: null })
    await fs.rm(work, { recursive: true, force: true })
  }
  if (hooks.signal?.aborted) throw new AppError('cancelled', 'Cancelled')
  // a file with no window to place (silence, speech detection found none) still gets its timing
  const { info, expectedSec } = await timed()
  return {
    segments,
    info,
    language,
    elapsedSec: (performance.now() - started) / 1000,
    partial:
      engineError === null
        ? partialAudio(info, decodedSec, summary?.readError ?? null)
        : {
            decodedSec: round1(decodedSec),
            // the audio's length when known; else at least what was done
            expectedSec: round1(Math.max(expectedSec ?? 0, decodedSec)),
            engineError: engineError.slice(0, 1000),
          },
    audioSec: decodedSec,
    noSpeech: Boolean(hooks.vad) && !speechFound && decodedSec > 0,
  }
}

/**
 * The window's speech packed into one file, or null when detection itself failed (a damaged
 * model, say): then the whole window is transcribed as it is, so the plain transcript is kept.
 */
async function speechOnly(wav: string, out: string, hooks: TranscribeHooks) {
  try {
    return await speechOnlyWav(
      wav,
      out,
      { vad: hooks.vad ?? {} },
      { signal: hooks.signal, resourcesDir: hooks.resourcesDir, env: hooks.env },
    )
  } catch (err) {
    if (hooks.signal?.aborted || (err instanceof AppError && err.code === 'cancelled')) throw err
    return null
  }
}

/** What the probe says of where the audio sits and how long it is, as the transcriber uses it. */
interface Timing {
  info: MediaInfo
  /** where the audio starts on the file's timeline */
  offset: number
  /** the audio's length, for progress and completeness: its own if declared, else what remains of the container's after it starts */
  expectedSec: number | null
  /** the same for progress, never 0 */
  total: number
}

function timingOf(info: MediaInfo): Timing {
  const offset = info.audioStartSec
  const fallbackSec = info.durationSec > 0 ? Math.max(0, info.durationSec - offset) : null
  const expectedSec = info.audioDurationSec ?? fallbackSec
  return { info, offset, expectedSec, total: Math.max(expectedSec ?? 0, 0.001) }
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
