import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { ModelView } from '../../shared/catalog-types'
import type { EnhanceRequest, EnhanceResult, EnhancementRecord, EnhanceStats, Usage } from '../../shared/enhance-types'
import { AppError, toErrorShape, type AppErrorShape, type ErrorCode } from '../../shared/errors'
import type { CatalogService } from '../catalog/catalog-service'
import type { CreditsService } from '../credits/credits-service'
import type { EventBus } from '../event-bus'
import { credentialsFor } from '../providers/credentials'
import { redact, type KeyStore } from '../providers/key-store'
import { createLlmClient, type LlmClient, type StreamResult } from '../providers/llm-client'
import { ProviderFailure, type FailureKind } from '../providers/provider-errors'
import { RateLimiter, sleep } from '../providers/rate-limiter'
import { atomicWrite } from '../store/safe-json-file'
import type { Owner } from '../store/db-schema'
import type { Store } from '../store/store'
import { ownedBy } from '../runtime/work-recovery'
import { chunkBudget, splitIntoChunks } from './chunking'
import { coalesceDeltas } from './coalesce-deltas'
import { newFence, reducePrompt, reducingPresets, systemPrompt, wrapTranscript, type Fence } from './presets'

export interface RetryPolicy {
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export interface EnhanceDeps {
  store: Store
  catalog: CatalogService
  credits: CreditsService
  events: EventBus
  keys: KeyStore
  dataDir: string
  limiter?: RateLimiter
  retry?: Partial<RetryPolicy>
  env?: NodeJS.ProcessEnv
  /** the process running this service's enhancements, recorded so no other process recovers them */
  owner?: Owner | null
}

export interface RunHooks {
  /** aborting it cancels the enhancement (and refunds it), like cancel(id) */
  signal?: AbortSignal
  onDelta?: (delta: { chunk: number; phase: 'map' | 'reduce'; text: string; reset: boolean }) => void
  /** `chunk`: the part that just finished (map phase) */
  onProgress?: (p: { chunksDone: number; chunksTotal: number; phase: 'map' | 'reduce'; chunk?: number }) => void
  /** one part finished, with its final text (parts finish in any order) */
  onChunkDone?: (chunk: number, text: string) => void
}

const SPEED_SAMPLES_KEPT = 20

/** What every request of one enhancement shares. */
interface CallContext {
  client: LlmClient
  model: ModelView
  signal: AbortSignal
  /** the data block's random tag, shared by the system prompt and every request of this run */
  fence: Fence
}

interface Job {
  id: string
  req: EnhanceRequest
  model: ModelView
  key: string | null
  baseURL: string
  reservationId: string
  signal: AbortSignal
}

const failureCodes: Record<FailureKind, ErrorCode> = {
  auth: 'provider-auth',
  'model-unavailable': 'model-unavailable',
  'rate-limited': 'rate-limited',
  overloaded: 'provider-error',
  server: 'provider-error',
  network: 'provider-error',
  'context-too-long': 'provider-error',
  'bad-request': 'provider-error',
  'stream-cut': 'provider-error',
  cancelled: 'cancelled',
}

/**
 * One enhancement: check, reserve the model's credits once, run the chunks (concurrently within
 * the provider's limits, retrying what can be retried), merge, then commit — or refund on any
 * failure or cancel. Text streams out through the hooks and the event bus as it arrives.
 */
export class EnhanceService {
  private readonly running = new Map<string, AbortController>()
  private readonly limiter: RateLimiter
  private readonly retry: RetryPolicy

  constructor(private readonly deps: EnhanceDeps) {
    this.limiter = deps.limiter ?? new RateLimiter()
    this.retry = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000, ...deps.retry }
  }

  /**
   * Check and reserve now (errors such as a missing key or too few credits go straight to the
   * caller, before any request), then run in the background; the rest arrives as events.
   */
  async start(req: EnhanceRequest): Promise<{ id: string }> {
    const job = await this.prepare(req, randomUUID())
    const { events } = this.deps
    const id = job.id
    // Tokens go out as events at most every DELTA_INTERVAL_MS per part (see coalesceDeltas); the
    // text pending is flushed before anything that must follow it.
    const deltas = coalesceDeltas((d) => events.emit('enhance.delta', { id, ...d }))
    void this.execute(job, {
      onDelta: deltas.push,
      onProgress: (p) => {
        deltas.flush()
        events.emit('enhance.progress', { id, ...p })
      },
    }).then(
      (result) => {
        deltas.flush()
        events.emit('enhance.finished', { id, status: 'done', result, error: null })
      },
      (err: unknown) => {
        deltas.flush()
        const e = err instanceof AppError ? err : new AppError('internal', String(err))
        events.emit('enhance.finished', {
          id,
          status: e.code === 'cancelled' ? 'cancelled' : 'failed',
          result: null,
          error: e.toShape(),
        })
      },
    )
    return { id }
  }

  /**
   * The same transcript and preset on 2–4 models at once, each charged its own cost. The total
   * must be affordable before anything starts; a model that cannot start (no key, say) is
   * reported in its slot and the others still run.
   */
  async compare(
    base: Omit<EnhanceRequest, 'provider' | 'modelId' | 'compareId'>,
    models: { provider: EnhanceRequest['provider']; modelId: string }[],
  ): Promise<{
    compareId: string
    runs: { provider: EnhanceRequest['provider']; modelId: string; id: string | null; error: AppErrorShape | null }[]
  }> {
    const total = models.reduce((sum, m) => sum + this.deps.catalog.get(m.provider, m.modelId).credits, 0)
    const balance = this.deps.credits.state().balance
    if (total > balance) {
      throw new AppError(
        'insufficient-credits',
        `This comparison needs ${total} credits and the balance is ${balance}. Top up or drop a model.`,
      )
    }
    const compareId = randomUUID()
    const runs = []
    for (const m of models) {
      try {
        runs.push({ ...m, id: (await this.start({ ...base, ...m, compareId })).id, error: null })
      } catch (err) {
        runs.push({ ...m, id: null, error: toErrorShape(err) })
      }
    }
    return { compareId, runs }
  }

  cancel(id: string): boolean {
    const ac = this.running.get(id)
    ac?.abort(new ProviderFailure('cancelled', 'Cancelled'))
    return Boolean(ac)
  }

  history(): EnhancementRecord[] {
    return [...this.deps.store.data.enhancements].reverse()
  }

  async output(id: string): Promise<{ input: string; output: string; partial: boolean }> {
    const rec = this.deps.store.data.enhancements.find((e) => e.id === id)
    if (!rec) throw new AppError('not-found', `No enhancement ${id}`)
    return JSON.parse(await fs.readFile(this.textPath(id), 'utf8')) as { input: string; output: string; partial: boolean }
  }

  /** Run to the end and return the result (the CLI's way); errors are thrown, credits refunded. */
  async run(req: EnhanceRequest, hooks: RunHooks = {}): Promise<EnhanceResult> {
    const job = await this.prepare(req, randomUUID())
    hooks.signal?.addEventListener('abort', () => this.cancel(job.id), { once: true })
    return this.execute(job, hooks)
  }

  private async prepare(req: EnhanceRequest, id: string): Promise<Job> {
    const model = this.deps.catalog.get(req.provider, req.modelId)
    if (!model.active || model.kind !== 'chat')
      throw new AppError('invalid-input', `${model.displayName} is not offered for enhancement.`)
    if (model.unavailable) throw new AppError('model-unavailable', model.unavailable.message)
    if (req.preset === 'custom' && !req.prompt?.trim()) throw new AppError('invalid-input', 'The custom preset needs a prompt.')
    // a missing key, or a key given for another URL than Settings now name, stops here: nothing reserved
    const { baseURL, key } = await credentialsFor(req.provider, {
      keys: this.deps.keys,
      settings: this.deps.store.data.settings,
      env: this.deps.env ?? process.env,
    })
    // Credits leave the balance before any request, and only once however many chunks follow.
    const reservation = await this.deps.credits.reserve(model.credits, id, `Enhancement: ${req.preset} with ${model.displayName}`)
    const ac = new AbortController()
    this.running.set(id, ac)
    await this.record(id, req, model, { status: 'running' })
    return { id, req, model, key, baseURL, reservationId: reservation.id, signal: ac.signal }
  }

  private async execute(job: Job, hooks: RunHooks): Promise<EnhanceResult> {
    const { id, req, model, key, baseURL } = job
    const started = performance.now()
    // Filled in by runChunks; read once, and only if the run fails.
    const partial = { text: () => '' }
    try {
      const client = createLlmClient({ provider: req.provider, baseURL, apiKey: key })
      const outcome = await this.runChunks(client, req, model, job.signal, hooks, partial)
      const durationMs = performance.now() - started
      const stats: EnhanceStats = {
        ttftMs: outcome.ttftMs,
        durationMs,
        tokensPerSec: outcome.tokensPerSec,
        chunks: outcome.chunks,
        usage: outcome.usage,
        estimatedUsd: (outcome.usage.inputTokens * model.inputUsdPer1M + outcome.usage.outputTokens * model.outputUsdPer1M) / 1e6,
      }
      await this.saveText(id, req.text, outcome.text, false)
      await this.deps.credits.commit(job.reservationId, {
        enhancementId: id,
        model: model.key,
        preset: req.preset,
        tokensIn: stats.usage.inputTokens,
        tokensOut: stats.usage.outputTokens,
        estimatedUsd: Number(stats.estimatedUsd.toFixed(6)),
        durationMs: Math.round(durationMs),
      })
      await this.record(id, req, model, { status: 'done', stats, preview: outcome.text.slice(0, 200) })
      if (outcome.ttftMs !== null && outcome.tokensPerSec !== null)
        await this.addSpeedSample(model.key, outcome.ttftMs, outcome.tokensPerSec)
      return {
        id,
        text: outcome.text,
        provider: req.provider,
        modelId: req.modelId,
        preset: req.preset,
        credits: model.credits,
        stats,
      }
    } catch (err) {
      const failure = err instanceof ProviderFailure ? err : null
      const appErr = failure
        ? new AppError(failureCodes[failure.kind], redact(failure.message, [key]))
        : err instanceof AppError
          ? err
          : new AppError('internal', redact((err as Error).message ?? String(err), [key]))
      await this.deps.credits.refund(job.reservationId, `Refund: ${appErr.message}`)
      if (failure?.kind === 'model-unavailable' && !model.local) await this.markUnavailable(model, appErr.message)
      // What arrived before the failure is kept for the user, marked partial — never as a result.
      await this.saveText(id, req.text, partial.text(), true).catch(() => undefined)
      await this.record(id, req, model, { status: appErr.code === 'cancelled' ? 'cancelled' : 'failed', error: appErr.message })
      throw appErr
    } finally {
      this.running.delete(id)
    }
  }

  private async runChunks(
    client: LlmClient,
    req: EnhanceRequest,
    model: ModelView,
    signal: AbortSignal,
    hooks: RunHooks,
    partial: { text: () => string },
  ): Promise<{ text: string; usage: Usage; ttftMs: number | null; tokensPerSec: number | null; chunks: number }> {
    const ctx: CallContext = { client, model, signal, fence: newFence() }
    const opts = { lang: req.lang, targetLang: req.targetLang, prompt: req.prompt }
    const chunks = splitIntoChunks(req.text, chunkBudget(model.contextTokens, req.preset))
    // Each part's text as the pieces that streamed in: appending is O(1) per token, and the whole
    // output is joined once at the end (or once on failure, for the partial text) — never per
    // token, which made long transcripts quadratic.
    const pieces: string[][] = chunks.map(() => [])
    partial.text = () => pieces.map((p) => p.join('')).join(chunkSeparator(req))
    const usage: Usage = { inputTokens: 0, outputTokens: 0 }
    const timings: StreamResult[] = []
    let done = 0
    const concurrency = Math.min(chunks.length, this.deps.store.data.settings.enhanceConcurrency)
    hooks.onProgress?.({ chunksDone: 0, chunksTotal: chunks.length, phase: 'map' })

    const runOne = async (i: number) => {
      const r = await this.callWithRecovery(ctx, systemPrompt(req.preset, ctx.fence, opts), chunks[i]!, (text, reset) => {
        if (reset) pieces[i] = []
        else pieces[i]!.push(text)
        hooks.onDelta?.({ chunk: i, phase: 'map', text, reset })
      })
      pieces[i] = [r.text]
      hooks.onChunkDone?.(i, r.text)
      usage.inputTokens += r.usage.inputTokens
      usage.outputTokens += r.usage.outputTokens
      timings.push(r)
      hooks.onProgress?.({ chunksDone: ++done, chunksTotal: chunks.length, phase: 'map', chunk: i })
    }
    let next = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < chunks.length) await runOne(next++)
      }),
    )

    let text = partial.text()
    if (chunks.length > 1 && reducingPresets.has(req.preset)) {
      hooks.onProgress?.({ chunksDone: 0, chunksTotal: 1, phase: 'reduce' })
      const r = await this.callWithRecovery(ctx, reducePrompt(req.preset, ctx.fence, opts), text, (t, reset) =>
        hooks.onDelta?.({ chunk: 0, phase: 'reduce', text: t, reset }),
      )
      usage.inputTokens += r.usage.inputTokens
      usage.outputTokens += r.usage.outputTokens
      timings.push(r)
      text = r.text
      hooks.onProgress?.({ chunksDone: 1, chunksTotal: 1, phase: 'reduce' })
    }
    const first = timings.find((t) => t.ttftMs !== null)
    const streamingMs = timings.reduce((a, t) => a + Math.max(1, t.durationMs - (t.ttftMs ?? 0)), 0)
    const tokensPerSec = usage.outputTokens > 0 && timings.length ? (usage.outputTokens / streamingMs) * 1000 : null
    return { text, usage, ttftMs: first?.ttftMs ?? null, tokensPerSec, chunks: chunks.length }
  }

  /** Retries with backoff for what can be retried; a too-long chunk is split in two, once. */
  private async callWithRecovery(
    ctx: CallContext,
    system: string,
    text: string,
    onDelta: (text: string, reset: boolean) => void,
    splitDepth = 0,
  ): Promise<StreamResult> {
    try {
      return await this.callWithRetries(ctx, system, text, onDelta)
    } catch (err) {
      if (!(err instanceof ProviderFailure) || err.kind !== 'context-too-long' || splitDepth > 0) throw err
      const halves = splitIntoChunks(text, Math.ceil(text.length / 3.5 / 2))
      onDelta('', true)
      const parts: StreamResult[] = []
      for (const half of halves) {
        const sep = parts.length ? '\n\n' : ''
        if (sep) onDelta(sep, false)
        parts.push(await this.callWithRecovery(ctx, system, half, onDelta, splitDepth + 1))
      }
      return {
        text: parts.map((p) => p.text).join('\n\n'),
        usage: parts.reduce(
          (u, p) => ({ inputTokens: u.inputTokens + p.usage.inputTokens, outputTokens: u.outputTokens + p.usage.outputTokens }),
          { inputTokens: 0, outputTokens: 0 },
        ),
        ttftMs: parts[0]?.ttftMs ?? null,
        durationMs: parts.reduce((a, p) => a + p.durationMs, 0),
      }
    }
  }

  private async callWithRetries(
    { client, model, signal, fence }: CallContext,
    system: string,
    text: string,
    onDelta: (text: string, reset: boolean) => void,
  ): Promise<StreamResult> {
    const limitKey = model.key
    const rpm = model.provider === 'groq' && this.deps.store.data.settings.groqTier === 'free' ? model.freeTierRpm : null
    for (let attempt = 1; ; attempt++) {
      await this.limiter.acquire(limitKey, rpm, signal).catch(() => {
        throw new ProviderFailure('cancelled', 'Cancelled')
      })
      try {
        return await client.stream({
          modelId: model.modelId,
          api: model.api,
          system,
          user: wrapTranscript(text, fence),
          signal,
          onDelta: (d) => onDelta(d, false),
        })
      } catch (err) {
        const f = err instanceof ProviderFailure ? err : new ProviderFailure('server', String(err))
        if (!f.retryable || attempt >= this.retry.maxAttempts) {
          throw f.retryable ? new ProviderFailure(f.kind, `${f.message} Gave up after ${attempt} attempts.`, f.status) : f
        }
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1))
        const delay = f.retryAfterMs ?? Math.round(backoff * (0.5 + Math.random() * 0.5))
        if (f.retryAfterMs !== undefined) this.limiter.pause(limitKey, delay)
        onDelta('', true)
        await sleep(delay, signal).catch(() => {
          throw new ProviderFailure('cancelled', 'Cancelled')
        })
      }
    }
  }

  private textPath(id: string): string {
    return path.join(this.deps.dataDir, 'enhancements', `${id}.json`)
  }

  private async saveText(id: string, input: string, output: string, partial: boolean): Promise<void> {
    await atomicWrite(this.textPath(id), JSON.stringify({ input, output, partial }))
  }

  private async record(id: string, req: EnhanceRequest, model: ModelView, patch: Partial<EnhancementRecord>): Promise<void> {
    await this.deps.store.mutate((db) => {
      let rec = db.enhancements.find((e) => e.id === id)
      if (!rec) {
        rec = {
          id,
          at: new Date().toISOString(),
          status: 'running',
          provider: req.provider,
          modelId: req.modelId,
          displayName: model.displayName,
          preset: req.preset,
          credits: model.credits,
          inputChars: req.text.length,
          preview: '',
          stats: null,
          error: null,
          compareId: req.compareId ?? null,
        }
        db.enhancements.push(rec)
      }
      Object.assign(rec, patch)
      // who runs it, while it runs: start-up recovery in another process leaves it alone
      if (rec.status === 'running' && this.deps.owner) db.owners[ownedBy.enhancement(id)] = this.deps.owner
      else delete db.owners[ownedBy.enhancement(id)]
    })
  }

  private async addSpeedSample(key: string, ttftMs: number, tokensPerSec: number): Promise<void> {
    await this.deps.store.mutate((db) => {
      const list = (db.speedStats[key] ??= [])
      list.push({ at: new Date().toISOString(), ttftMs: Math.round(ttftMs), tokensPerSec: Math.round(tokensPerSec * 10) / 10 })
      db.speedStats[key] = list.slice(-SPEED_SAMPLES_KEPT)
    })
    this.deps.events.emit('catalog.changed', { reason: 'speed' })
  }

  private async markUnavailable(model: ModelView, message: string): Promise<void> {
    await this.deps.store.mutate((db) => {
      db.unavailableModels[model.key] = { at: new Date().toISOString(), message }
    })
    this.deps.events.emit('catalog.changed', { reason: 'model-unavailable' })
  }
}

function chunkSeparator(req: EnhanceRequest): string {
  return reducingPresets.has(req.preset) ? '\n\n---\n\n' : '\n\n'
}
