import { modelKey } from '../../../shared/catalog-types'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AppError, type ErrorCode, type ErrorDetail } from '../../../shared/errors'
import { keyEnvVarOf, providers } from '../../../shared/providers'
import { PCM_DIR_PREFIX } from '../../media/decode'
import { probe } from '../../media/probe'
import { classify, errorCodeOf, type FailureKind, ProviderFailure } from '../../providers/provider-errors'
import { RateLimiter, sleep } from '../../providers/rate-limiter'
import { type CloudCodec, codecFiles, decodeToWav, encodePiece, maxPieceSecFor } from './cloud-audio'
import { type CloudSegment, joinPieces, type Piece, type PieceTranscript, planPieces, type SpeechRegion } from './piece-plan'
import { BadSttReply, type CloudProvider, createSttClient, type SttClient } from './stt-client'

export type { CloudSegment, SpeechRegion }

/** Groq's free tier: 25 MB per request (decimal MB, to be safe whichever the provider means). */
export const DEFAULT_MAX_UPLOAD_BYTES = 25_000_000
/** Groq's free tier: 20 audio requests a minute. */
export const GROQ_FREE_TIER_AUDIO_RPM = 20
/** Enough for a word cut at a piece's end to be heard whole at the next one's start. */
export const DEFAULT_OVERLAP_SEC = 2

export interface CloudTarget {
  provider: CloudProvider
  modelId: string
  /** null: the provider's own API (Groq: https://api.groq.com, OpenAI: https://api.openai.com/v1) */
  baseURL: string | null
  apiKey: string | null
  /** the provider's per-request limit; default 25 MB (Groq's free tier), a setting for higher tiers */
  maxUploadBytes?: number
  /** requests per minute the provider allows for this model; null or undefined: no known limit */
  rpm?: number | null
}

export interface CloudProgress {
  /** 0..1 of the file's audio transcribed */
  fraction: number
  etaSec: number | null
}

export interface RetryPolicy {
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

/**
 * 429s are expected on the free tier when several files run: six attempts, each waiting what the
 * provider says (retry-after) or a backoff, before the file fails (and is refunded).
 */
export const DEFAULT_CLOUD_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 }

export interface CloudHooks {
  signal?: AbortSignal
  onProgress?: (p: CloudProgress) => void
  /** the process's shared limiter, so every file on one model shares its requests per minute */
  limiter?: RateLimiter
  /** ISO-639-1 code; 'auto' or undefined lets the model detect the language */
  language?: string
  prompt?: string
  /**
   * Where speech is (seconds in the audio stream), to cut pieces in silences. Either the regions,
   * or a function given the decoded 16 kHz mono WAV, e.g. the VAD:
   * `(wav, signal) => detectSpeech(wav, {}, { signal })` (src/core/vad/speech-regions.ts).
   */
  speechRegions?: readonly SpeechRegion[] | ((wavPath: string, signal: AbortSignal) => Promise<readonly SpeechRegion[]>)
  codec?: CloudCodec
  overlapSec?: number
  /** pieces in flight at once (each still waits its turn in the rate limit) */
  concurrency?: number
  /** ask for word timestamps; default on for Groq and OpenAI, off for self-hosted servers */
  wordTimestamps?: boolean
  retry?: RetryPolicy
  /** per request; a 25 MB upload on a slow line takes minutes */
  timeoutMs?: number
  env?: NodeJS.ProcessEnv
  /** tests inject a client; otherwise the provider's SDK */
  client?: SttClient
}

export interface CloudOutcome {
  segments: CloudSegment[]
  /** what the provider detected (or was told), null when it does not say */
  language: string | null
  /** seconds of audio decoded and sent */
  durationSec: number
  pieces: number
  elapsedSec: number
}

/** A failed cloud transcription; `kind` says why (the lead marks a 'model-unavailable' row, etc.). */
export class CloudTranscribeError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly kind: FailureKind | 'too-large',
    readonly status?: number,
    /** where the message is this app's own English (not the provider's words): what the page words instead */
    detail?: ErrorDetail,
  ) {
    super(code, message, detail)
    this.name = 'CloudTranscribeError'
  }
}

/** The receiver as the English messages name it: a self-hosted server is not "the local server" of enhancement. */
const receiverName = (p: CloudProvider): string => (p === 'custom' ? 'The transcription server' : providers[p].name)
/**
 * The receiver as the page's sentence names it, in any language: a provider by its brand, a
 * server by its address; null for the servers' pool, whose requests go to whichever is free.
 */
const receiverOf = (t: CloudTarget): string | null => (t.provider === 'custom' ? t.baseURL : providers[t.provider].name)

/** cloud-<what> naming the receiver, or server-<what> for the pool's servers (see receiverOf). */
function wordedBy(t: CloudTarget, what: 'piece-too-large' | 'bad-reply', params: Record<string, string>): ErrorDetail {
  const receiver = receiverOf(t)
  return (
    receiver === null ? { key: `server-${what}`, params } : { key: `cloud-${what}`, params: { receiver, ...params } }
  ) as ErrorDetail
}

/**
 * Transcribe a file with a cloud (or self-hosted OpenAI-compatible) speech-to-text model.
 *
 * The audio is decoded once to 16 kHz mono, cut into pieces whose encoded size is surely under
 * the provider's limit (in silences when speech regions are known, otherwise with a small
 * overlap), each piece encoded (FLAC by default) and sent through the provider's SDK within its
 * rate limit; 429/503/5xx are retried honouring retry-after, a 401 fails at once, cancel stops
 * every request and ffmpeg at once. Segment times come back on the file's timeline, continuous
 * across pieces.
 */
export async function transcribeInCloud(file: string, target: CloudTarget, hooks: CloudHooks = {}): Promise<CloudOutcome> {
  const started = performance.now()
  const outer = hooks.signal
  if (outer?.aborted) throw cancelled()
  const codec = hooks.codec ?? 'flac'
  const maxUploadBytes = target.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES
  const maxPieceSec = maxPieceSecFor(maxUploadBytes, codec)
  const overlapSec = hooks.overlapSec ?? DEFAULT_OVERLAP_SEC
  const name = receiverName(target.provider)
  const client =
    hooks.client ??
    createSttClient({
      provider: target.provider,
      baseURL: target.baseURL,
      apiKey: target.apiKey,
      timeoutMs: hooks.timeoutMs ?? 600_000,
    })
  const limiter = hooks.limiter ?? new RateLimiter()
  const limitKey = modelKey(target)
  const retry = hooks.retry ?? DEFAULT_CLOUD_RETRY
  const words = hooks.wordTimestamps ?? target.provider !== 'custom'
  const language = hooks.language && hooks.language !== 'auto' ? hooks.language : undefined

  // one signal for the whole file: the caller's cancel, or the first piece that fails for good
  const stop = new AbortController()
  const onOuterAbort = () => stop.abort(outer?.reason)
  outer?.addEventListener('abort', onOuterAbort, { once: true })
  const signal = stop.signal

  // named exactly as the decoder's folders (prefix, pid, random), so a start after a crash sweeps it
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${PCM_DIR_PREFIX}${process.pid}-`))
  try {
    const info = await probe(file, hooks.env)
    const audio = await decodeToWav(file, dir, { streamIndex: info.audioStreamIndex, signal, env: hooks.env })
    const total = audio.durationSec
    const regions = await findSpeech(hooks.speechRegions, audio.wavPath, signal)
    if (signal.aborted) throw cancelled()
    const pieces = planPieces(total, { maxPieceSec, overlapSec, ...(regions ? { speechRegions: regions } : {}) })

    let doneSec = 0
    const report = () => {
      const elapsed = (performance.now() - started) / 1000
      const fraction = total > 0 ? Math.min(1, doneSec / total) : 1
      hooks.onProgress?.({ fraction, etaSec: doneSec > 0 ? Math.max(0, ((total - doneSec) * elapsed) / doneSec) : null })
    }
    report()

    const results: PieceTranscript[] = []
    let detected: string | null = null
    let failure: unknown = null
    const queue = [...pieces]

    const sendPiece = async (piece: Piece) => {
      const spec = codecFiles[codec]
      const out = path.join(dir, `piece-${piece.index}.${spec.ext}`)
      const bytes = await encodePiece(audio, piece.start, piece.end, codec, out, { signal, env: hooks.env })
      try {
        if (bytes > maxUploadBytes)
          throw new CloudTranscribeError(
            'internal',
            `A ${mb(bytes)} piece came out over the ${mb(maxUploadBytes)} upload limit; nothing was sent.`,
            'too-large',
          )
        for (let attempt = 1; ; attempt++) {
          await limiter.acquire(limitKey, target.rpm ?? null, signal).catch(() => {
            throw cancelled()
          })
          try {
            const a = await client.transcribe({
              filePath: out,
              fileName: path.basename(out),
              mime: spec.mime,
              modelId: target.modelId,
              ...(language ? { language } : {}),
              ...(hooks.prompt ? { prompt: hooks.prompt } : {}),
              words,
              signal,
            })
            detected ??= a.language
            results.push({ piece, segments: a.segments, ...(a.words ? { words: a.words } : {}) })
            return
          } catch (err) {
            if (signal.aborted) throw cancelled()
            const f = failureOf(err, target, name, bytes, maxUploadBytes)
            if (!(f instanceof ProviderFailure) || !f.retryable || attempt >= retry.maxAttempts) throw finalError(f, attempt)
            const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1))
            const delay = f.retryAfterMs ?? Math.round(backoff * (0.5 + Math.random() * 0.5))
            // the provider's hint holds for every request on this model, not only this piece
            if (f.retryAfterMs !== undefined) limiter.pause(limitKey, delay)
            await sleep(delay, signal).catch(() => {
              throw cancelled()
            })
          }
        }
      } finally {
        await fs.rm(out, { force: true })
      }
    }

    const worker = async () => {
      for (let piece = queue.shift(); piece && !signal.aborted; piece = queue.shift()) {
        try {
          await sendPiece(piece)
          // the overlap was counted with the piece before
          doneSec += piece.end - piece.start - piece.overlapBefore
          report()
        } catch (err) {
          failure ??= err
          stop.abort(err)
          return
        }
      }
    }
    // every worker has ended (requests aborted, ffmpeg killed) before this returns or throws
    await Promise.all(Array.from({ length: Math.max(1, Math.min(hooks.concurrency ?? 2, pieces.length)) }, worker))
    if (outer?.aborted) throw cancelled()
    if (failure) throw failure instanceof AppError ? failure : finalError(failure, 1)

    return {
      segments: joinPieces(results, info.audioStartSec),
      language: language ?? detected,
      durationSec: total,
      pieces: pieces.length,
      elapsedSec: (performance.now() - started) / 1000,
    }
  } catch (err) {
    if (outer?.aborted) throw cancelled()
    throw err
  } finally {
    outer?.removeEventListener('abort', onOuterAbort)
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/**
 * The speech regions, if any. A VAD that cannot run (its model missing, a worker crash) costs
 * only the silence cuts: the file still goes, in overlapping fixed windows.
 */
async function findSpeech(
  given: CloudHooks['speechRegions'],
  wavPath: string,
  signal: AbortSignal,
): Promise<readonly SpeechRegion[] | undefined> {
  if (typeof given !== 'function') return given
  try {
    return await given(wavPath, signal)
  } catch {
    if (signal.aborted) throw cancelled()
    return undefined
  }
}

function cancelled(): CloudTranscribeError {
  return new CloudTranscribeError('cancelled', 'Cancelled', 'cancelled')
}

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`

/** The SDK's error, classified; a 413 says which setting to change. Never carries the key. */
function failureOf(
  err: unknown,
  target: CloudTarget,
  name: string,
  bytes: number,
  limit: number,
): ProviderFailure | CloudTranscribeError {
  if (err instanceof CloudTranscribeError) return err
  if (err instanceof BadSttReply) return badReply(name, err.detail, target)
  const status = (err as { status?: unknown })?.status
  if (status === 413)
    return new CloudTranscribeError(
      'provider-error',
      `${name} refused a ${mb(bytes)} piece as too large (HTTP 413): its limit is below the ${mb(limit)} upload limit set for it. Lower the upload limit in Settings and retry.`,
      'too-large',
      413,
      wordedBy(target, 'piece-too-large', { size: mb(bytes), limit: mb(limit) }),
    )
  const f = classify(err, target.provider, target.modelId)
  if (f.kind === 'bad-reply') return badReply(name, 'it could not be read', target)
  if (f.kind === 'auth')
    return new ProviderFailure(
      'auth',
      `${name} rejected the API key (HTTP ${f.status ?? 401}) for ${target.modelId}. Check the key in Settings (the CLI reads ${keyEnvVarOf(target.provider)}).`,
      f.status,
    )
  return f
}

function badReply(name: string, detail: string, target: CloudTarget): CloudTranscribeError {
  return new CloudTranscribeError(
    'provider-error',
    `${name} sent a reply that is not a transcript (${detail}). Check the base URL or the server; nothing was charged for this file.`,
    'bad-reply',
    undefined,
    // the page leaves out `detail`: the reply's shape in English, of use in a log, not to the user
    wordedBy(target, 'bad-reply', {}),
  )
}

function finalError(f: unknown, attempts: number): CloudTranscribeError {
  if (f instanceof CloudTranscribeError) return f
  if (f instanceof ProviderFailure) {
    const message = f.retryable ? `${f.message} Gave up after ${attempts} attempts.` : f.message
    return new CloudTranscribeError(errorCodeOf[f.kind], message, f.kind, f.status)
  }
  if (f instanceof AppError) return new CloudTranscribeError(f.code, f.message, 'server', undefined, f.detail)
  // a fault of this app, not of the provider: its own text means nothing to the user
  return new CloudTranscribeError(
    'internal',
    'The cloud transcription stopped on an unexpected error in the app; nothing was charged for this file. Try again, and report it if it happens again.',
    'server',
    undefined,
    { key: 'cloud-unexpected', params: {} } as ErrorDetail,
  )
}
