import type { ModelView } from '../../shared/catalog-types'
import { keyedError } from '../../shared/errors'
import { cloudTranscriptionModel, providers, type TranscriptionProviderId } from '../../shared/providers'
import type { Settings } from '../../shared/settings-types'
import type { Job, Segment, TranscribeOptions } from '../../shared/transcribe-types'
import type { CatalogService } from '../catalog/catalog-service'
import type { CreditsService } from '../credits/credits-service'
import { probe } from '../media/probe'
import { credentialsFor } from '../providers/credentials'
import type { KeyStore } from '../providers/key-store'
import { RateLimiter } from '../providers/rate-limiter'
import type { Store } from '../store/store'
import { detectSpeech } from '../vad/speech-regions'
import {
  type CloudHooks,
  type CloudProgress,
  type CloudSegment,
  GROQ_FREE_TIER_AUDIO_RPM,
  transcribeInCloud,
} from './cloud/cloud-transcriber'
import { FIXED_OVERHEAD_BYTES, WORST_BYTES_PER_SEC } from './cloud/cloud-audio'
import { startedMinutes, transcriptionCreditsForRow } from './cloud/transcription-cost'
import { serverKeyRefusedMessage, serverKeysFor } from './servers/server-key'
import { NoServerLeftError, ServerPool, type ServerEndpoint, type ServerProblem } from './servers/server-pool'

/** Where a job's audio goes when not (only) to this machine's engine. */
export type RemoteRoute =
  { kind: 'cloud'; provider: TranscriptionProviderId; modelId: string } | { kind: 'servers'; endpoints: ServerEndpoint[] }

/** A cloud model ("groq/…", "openai/…"), the job's servers, the settings' servers, or null (local only). */
export function routeOf(
  options: Pick<TranscribeOptions, 'model'> & Partial<Pick<TranscribeOptions, 'servers' | 'translate'>>,
  settings: Settings,
): RemoteRoute | null {
  const cloud = cloudTranscriptionModel(options.model)
  if (cloud) return { kind: 'cloud', ...cloud }
  // the servers are asked for transcription only: translating into English stays on this computer
  if (options.translate) return null
  const endpoints = options.servers?.length
    ? options.servers.map((url) => ({ url, concurrency: 1 }))
    : settings.transcriptionServers
  return endpoints.length ? { kind: 'servers', endpoints } : null
}

/** Files that may run at once on servers: the most slots any queued job's servers offer. */
export function serverSlots(jobs: readonly Job[], settings: Settings): number {
  let most = 0
  for (const j of jobs) {
    if (j.status !== 'queued' && j.status !== 'running') continue
    const r = routeOf(j.options, settings)
    if (r?.kind === 'servers')
      most = Math.max(
        most,
        r.endpoints.reduce((n, e) => n + e.concurrency, 0),
      )
  }
  return most
}

/** Who receives the audio, for the privacy notice and its acknowledgement. */
export function receiverOf(route: RemoteRoute): string {
  return route.kind === 'cloud' ? route.provider : route.endpoints.map((e) => e.url).join(', ')
}

/** The receivers of a job's audio (a provider id, server addresses) not yet acknowledged. */
export function untoldReceivers(options: Partial<TranscribeOptions>, settings: Settings): string[] {
  const model = options.model ?? settings.whisperModel
  const route = model ? routeOf({ ...options, model }, settings) : null
  if (!route) return []
  const receivers = route.kind === 'cloud' ? [route.provider] : route.endpoints.map((e) => e.url)
  return receivers.filter((r) => !settings.cloudNoticeAcknowledged.includes(r))
}

/**
 * Refuse a job whose audio would go to a receiver the user was not told about: the pages show
 * the notice and record the acknowledgement (per provider, per server address) before they add
 * the job; a call that skipped it, from any shell, stops here.
 */
export function requireNoticeAcknowledged(options: Partial<TranscribeOptions>, settings: Settings): void {
  const [untold] = untoldReceivers(options, settings)
  if (untold === undefined) return
  const name = untold in providers ? providers[untold as keyof typeof providers].name : untold
  throw keyedError(
    'needs-confirmation',
    'privacy-notice',
    { receiver: name },
    `This sends the audio to ${name}: it leaves this computer. Acknowledge the notice on the Transcribe page (or in Settings for a server) first.`,
  )
}

export interface RemoteOutcome {
  segments: Segment[]
  language: string | null
  durationSec: number
  hasVideo: boolean
  /** the video's frames per second, where the probe knew it */
  frameRate: number | null
  audioSec: number
  elapsedSec: number
  /**
   * A cloud file's reservation, settled by the caller once the transcript is saved (commit) or
   * could not be (refund), so no credit is charged for a transcript the user never gets.
   */
  settle?: { commit: () => Promise<void>; refund: (outcome: 'cancelled' | 'failed') => Promise<void> }
}

/** Every server of a servers route failed: the local engine runs the job, and the job says which and how. */
export interface ServersFellBack {
  fallback: ServerProblem[]
}

export interface RemoteDeps {
  store: Store
  credits: CreditsService
  catalog: CatalogService
  keys: KeyStore
  env: NodeJS.ProcessEnv
  resourcesDir?: string
  /** one limiter for the process: every file on one model shares the provider's requests a minute */
  limiter?: RateLimiter
  /** tests: shorter retry waits */
  retry?: CloudHooks['retry']
}

/**
 * Runs the jobs whose audio goes beyond this machine: to a cloud model, priced in credits
 * (reserved from the probed duration before anything is sent, committed once when the transcript
 * is complete, refunded when it fails or is cancelled), or to the user's own servers at 0 credits.
 */
export class RemoteTranscriber {
  private readonly limiter: RateLimiter
  private pool: { key: string; pool: ServerPool } | null = null

  constructor(private readonly deps: RemoteDeps) {
    this.limiter = deps.limiter ?? new RateLimiter()
  }

  /** A catalog row usable for transcription, or a clear error. */
  row(provider: string, modelId: string): ModelView {
    const row = this.deps.catalog.get(provider, modelId)
    if (row.kind !== 'transcription')
      throw keyedError(
        'invalid-input',
        'not-a-transcription-model',
        { model: `${provider}/${modelId}` },
        `${provider}/${modelId} is not a transcription model (see mp4totext pricing --all).`,
      )
    if (!row.active)
      throw keyedError(
        'invalid-input',
        'transcription-model-inactive',
        { model: `${provider}/${modelId}` },
        `${provider}/${modelId} is not offered at the moment (deactivated in pricing).`,
      )
    return row
  }

  /** What a file costs on a route before it starts: its probed audio length and the credits. */
  async estimate(file: string, model: string): Promise<{ durationSec: number; minutes: number; credits: number }> {
    const info = await probe(file, this.deps.env)
    const durationSec = info.audioDurationSec ?? info.durationSec
    const route = routeOf({ model }, this.deps.store.data.settings)
    const credits = route?.kind === 'cloud' ? transcriptionCreditsForRow(this.row(route.provider, route.modelId), durationSec) : 0
    return { durationSec, minutes: startedMinutes(durationSec), credits }
  }

  /** Requests each server of the current pool answered (tests, the bench). */
  served(): Record<string, number> {
    return this.pool?.pool.served() ?? {}
  }

  /**
   * The process's pool for these endpoints (rebuilt when the list, or where the key may go,
   * changes). The server key goes only to the servers it was given for (server-key.ts).
   */
  async poolFor(endpoints: ServerEndpoint[]): Promise<ServerPool> {
    const keys = await serverKeysFor(endpoints, this.deps.env, this.deps.keys)
    const id = JSON.stringify([endpoints, keys.map((k) => k !== null)])
    if (this.pool?.key !== id)
      this.pool = {
        key: id,
        pool: new ServerPool(endpoints, keys, {
          refusedMessage: (url, keySent) => serverKeyRefusedMessage(url, keySent, this.deps.env),
        }),
      }
    return this.pool.pool
  }

  /**
   * Run one job on its route. `fallback`: no server of a servers route took the audio, and the
   * local engine is to run the job instead (it is the last endpoint).
   */
  async run(
    job: Job,
    route: RemoteRoute,
    hooks: { signal: AbortSignal; onProgress: (p: CloudProgress) => void },
  ): Promise<RemoteOutcome | ServersFellBack> {
    return route.kind === 'cloud' ? this.runCloud(job, route, hooks) : this.runServers(job, route, hooks)
  }

  private async runCloud(
    job: Job,
    route: Extract<RemoteRoute, { kind: 'cloud' }>,
    hooks: { signal: AbortSignal; onProgress: (p: CloudProgress) => void },
  ): Promise<RemoteOutcome> {
    const { settings } = this.deps.store.data
    if (job.options.translate)
      throw keyedError(
        'invalid-input',
        'translate-local-only',
        {},
        'Translating into English is done by the local models only; choose a local model or turn Translate off.',
      )
    const row = this.row(route.provider, route.modelId)
    // a missing key, or a key given for another endpoint, fails here: nothing reserved, nothing sent
    const creds = await credentialsFor(route.provider, { keys: this.deps.keys, settings, env: this.deps.env })
    const info = await probe(job.file, this.deps.env)
    const durationSec = info.audioDurationSec ?? info.durationSec
    const cost = transcriptionCreditsForRow(row, durationSec)
    const minutes = startedMinutes(durationSec)
    const reservation = await this.deps.credits.reserve(cost, `transcribe:${job.id}`, {
      text: `Transcription: ${job.fileName} (${minutes} min, ${row.displayName})`,
      wording: { key: 'transcription', params: { file: job.fileName, minutes, model: row.displayName } },
    })
    const refundFor = (outcome: 'cancelled' | 'failed') => ({
      text: `Refund: ${job.fileName} ${outcome}`,
      wording: { key: 'refund-file' as const, params: { file: job.fileName, outcome } },
    })
    try {
      const out = await transcribeInCloud(
        job.file,
        {
          provider: route.provider,
          modelId: route.modelId,
          baseURL: creds.baseURL,
          apiKey: creds.key,
          maxUploadBytes: settings.cloudMaxUploadMB * 1_000_000,
          rpm: route.provider === 'groq' && settings.groqTier === 'free' ? GROQ_FREE_TIER_AUDIO_RPM : null,
        },
        this.hooksFor(job, hooks),
      )
      return {
        ...toOutcome(out.segments, out.language, out.durationSec, out.elapsedSec),
        hasVideo: info.hasVideo,
        frameRate: info.frameRate,
        settle: {
          commit: () => this.deps.credits.commit(reservation.id, { durationSec: out.durationSec, pieces: out.pieces }),
          refund: (outcome) => this.deps.credits.refund(reservation.id, refundFor(outcome)),
        },
      }
    } catch (err) {
      await this.deps.credits.refund(reservation.id, refundFor(hooks.signal.aborted ? 'cancelled' : 'failed'))
      throw err
    }
  }

  private async runServers(
    job: Job,
    route: Extract<RemoteRoute, { kind: 'servers' }>,
    hooks: { signal: AbortSignal; onProgress: (p: CloudProgress) => void },
  ): Promise<RemoteOutcome | ServersFellBack> {
    const pool = await this.poolFor(route.endpoints)
    await pool.checkHealth()
    const capacity = pool.capacity()
    const unreachable = { fallback: route.endpoints.map((e) => ({ url: e.url, status: null })) }
    if (capacity === 0) return unreachable
    const info = await probe(job.file, this.deps.env)
    const durationSec = info.audioDurationSec ?? info.durationSec
    // pieces short enough that a long file spreads over every slot, never shorter than 30 s
    // (whisper's window) nor longer than 10 minutes (a failed piece is cheap to send again)
    const pieceSec = Math.max(30, Math.min(600, Math.ceil(durationSec / capacity)))
    try {
      const out = await transcribeInCloud(
        job.file,
        {
          provider: 'custom',
          modelId: job.options.model,
          baseURL: null,
          apiKey: null,
          maxUploadBytes: FIXED_OVERHEAD_BYTES + (pieceSec + 3) * WORST_BYTES_PER_SEC.flac,
          rpm: null,
        },
        { ...this.hooksFor(job, hooks), client: pool.client(), concurrency: capacity, wordTimestamps: false },
      )
      return {
        ...toOutcome(out.segments, out.language, out.durationSec, out.elapsedSec),
        hasVideo: info.hasVideo,
        frameRate: info.frameRate,
      }
    } catch (err) {
      // the local engine is the last endpoint; a server that answered with an error is named with
      // its answer (the servers not asked were down at the health check)
      if (err instanceof NoServerLeftError)
        return {
          fallback: route.endpoints.map((e) => err.problems.find((p) => p.url === e.url) ?? { url: e.url, status: null }),
        }
      if ((err as { kind?: string }).kind === 'network') return unreachable
      throw err
    }
  }

  private hooksFor(job: Job, hooks: { signal: AbortSignal; onProgress: (p: CloudProgress) => void }): CloudHooks {
    const s = this.deps.store.data.settings
    const vad = job.options.vad ?? s.vadEnabled
    return {
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      limiter: this.limiter,
      language: job.options.language,
      ...(job.options.prompt ? { prompt: job.options.prompt } : {}),
      ...(this.deps.retry ? { retry: this.deps.retry } : {}),
      env: this.deps.env,
      ...(vad
        ? {
            speechRegions: (wav: string, signal: AbortSignal) =>
              detectSpeech(
                wav,
                { threshold: s.vadThreshold },
                { signal, resourcesDir: this.deps.resourcesDir, env: this.deps.env },
              ),
          }
        : {}),
    }
  }
}

function toOutcome(segments: CloudSegment[], language: string | null, durationSec: number, elapsedSec: number) {
  return {
    segments: segments.map<Segment>((s) => ({
      id: s.id,
      start: s.start,
      end: s.end,
      text: s.text,
      // providers give no per-word confidence: shown as sure, never flagged as doubtful
      ...(s.words?.length ? { words: s.words.map((w) => ({ start: w.start, end: w.end, text: w.word, probability: 1 })) } : {}),
    })),
    language,
    durationSec,
    audioSec: durationSec,
    elapsedSec,
  }
}
