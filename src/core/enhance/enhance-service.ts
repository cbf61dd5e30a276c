import { randomUUID } from 'node:crypto'
import type { EnhanceRequest, EnhanceResult, EnhancementRecord, EnhanceStats } from '../../shared/enhance-types'
import { AppError, toErrorShape, type AppErrorShape } from '../../shared/errors'
import { HISTORY_PAGE_SIZE } from '../../shared/transcribe-types'
import type { CatalogService } from '../catalog/catalog-service'
import type { CreditsService } from '../credits/credits-service'
import type { EventBus } from '../event-bus'
import type { LibraryIndex } from '../library/library-index'
import { redact, type KeyStore } from '../providers/key-store'
import { createLlmClient, type LlmClient } from '../providers/llm-client'
import { errorCodeOf, ProviderFailure } from '../providers/provider-errors'
import { RateLimiter } from '../providers/rate-limiter'
import { INTERRUPTED } from '../runtime/work-recovery'
import type { Owner } from '../store/db-schema'
import type { LibraryDb } from '../store/library-db'
import type { Store } from '../store/store'
import { runChunks, type ChunkHooks } from './chunk-runner'
import { coalesceDeltas } from './coalesce-deltas'
import { admit, type Admitted } from './enhance-admission'
import { EnhancementLog, type EnhancementTexts } from './enhancement-log'
import { ModelHealth } from './model-health'
import { newFence } from './presets'
import { defaultRetryPolicy, RetryingStream, type CallContext, type RetryPolicy } from './retrying-stream'

export type { RetryPolicy }

/** How often the last writes of a run that failed to save (a full disk) are tried again. */
const SETTLE_RETRY_MS = 1_000

export interface EnhanceDeps {
  store: Store
  /** where the run log (the enhancement index and its owners) is kept */
  library: LibraryDb
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
  /** the built-in engine: its client and its admission check */
  builtin?: { client: LlmClient; resolve: (modelId: string) => unknown }
  /** the library's search: a done run of a transcript is found under it */
  index?: LibraryIndex | null
}

export interface RunHooks extends ChunkHooks {
  /** aborting it cancels the enhancement (and refunds it), like cancel(id) */
  signal?: AbortSignal
}

interface Job extends Admitted {
  id: string
  req: EnhanceRequest
  signal: AbortSignal
}

/**
 * One enhancement from start to end: admission (checks, then the credits reserved once), the
 * chunks run through the retrying stream, then commit — or refund on any failure or cancel —
 * and the run log. Text streams out through the hooks and the event bus as it arrives. The
 * pieces live in their own modules: enhance-admission, chunk-runner, retrying-stream,
 * enhancement-log, model-health.
 *
 * The credits (db.json) and the run's record (library.db) are two files, so no write covers
 * both. They are written in this order, each step only after the one before it landed:
 *   1. reserve: the charge and a pending reservation owned by this process (db.json)
 *   2. the running record, owned by this process (library.db)
 *   3. the provider call
 *   4. the texts (a row of library.db's enhancement_texts)
 *   5. commit: the charge stands (db.json)
 *   6. the record marked done (library.db)
 * and on any failure or cancel after 1: refund (db.json), then the record marked failed or
 * cancelled (library.db). A step that fails to write is retried while this process lives (see
 * settle). When the process dies between two steps, start-up recovery (work-recovery) finds
 * what it left and reconciles the two files:
 *   - a pending reservation of a dead owner is refunded: nothing was delivered and paid for,
 *     whether or not its record was written (after 1, after 2, during 3 or 4);
 *   - a running record of a dead owner is marked failed when its reservation was refunded (just
 *     now, or by a failure before the crash) or never existed;
 *   - it is marked done when its reservation was committed and its texts row exists (killed
 *     between 5 and 6): the user paid, so the result is kept and shown as delivered.
 * So a charge never stands without its text saved, and a saved, paid result is never lost.
 * Closing the core (shutdown) ends its runs the way recovery would after a crash, while it still
 * can write: each is stopped, refunded and marked failed (interrupted) before the files close.
 */
export class EnhanceService {
  private readonly running = new Map<string, AbortController>()
  private readonly stream: RetryingStream
  private readonly log: EnhancementLog
  private readonly health: ModelHealth
  /** runs whose last writes failed, by id: retried until they land */
  private readonly unsettled = new Map<string, () => Promise<void>>()
  private settleTimer: NodeJS.Timeout | null = null
  private settling: Promise<void> | null = null
  /** every run from admission to its last write: shutdown waits for them */
  private readonly inFlight = new Set<Promise<unknown>>()
  private closing = false

  constructor(private readonly deps: EnhanceDeps) {
    this.stream = new RetryingStream(deps.limiter ?? new RateLimiter(), { ...defaultRetryPolicy, ...deps.retry })
    this.log = new EnhancementLog(deps.library, deps.owner ?? null)
    this.health = new ModelHealth(deps.store, deps.events)
  }

  /**
   * Check and reserve now (errors such as a missing key or too few credits go straight to the
   * caller, before any request), then run in the background; the rest arrives as events.
   */
  async start(req: EnhanceRequest): Promise<{ id: string }> {
    const job = await this.track(this.prepare(req, randomUUID()))
    const { events } = this.deps
    const id = job.id
    // Tokens go out as events at most every DELTA_INTERVAL_MS per part (see coalesceDeltas); the
    // text pending is flushed before anything that must follow it.
    const deltas = coalesceDeltas((d) => events.emit('enhance.delta', { id, ...d }))
    void this.track(
      this.execute(job, {
        onDelta: deltas.push,
        onProgress: (p) => {
          deltas.flush()
          events.emit('enhance.progress', { id, ...p })
        },
        onRetry: (r) => {
          deltas.flush()
          events.emit('enhance.retry', { id, ...r })
        },
      }),
    ).then(
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

  /**
   * The last writes of a run (commit or refund, its texts, its history row). When they fail — a
   * full disk — they are kept and tried again every few seconds until they land, so the run is
   * never left "running" with its credits pending while this process lives. Each step is
   * idempotent (a commit or refund applies once), so a retry may repeat any of them.
   */
  private async settle(id: string, steps: () => Promise<void>): Promise<void> {
    try {
      await steps()
    } catch {
      this.unsettled.set(id, steps)
      this.retrySettling()
    }
  }

  private retrySettling(): void {
    if (this.settleTimer) return
    this.settleTimer = setInterval(() => {
      if (this.settling) return
      this.settling = (async () => {
        for (const [id, steps] of this.unsettled) {
          try {
            await steps()
            this.unsettled.delete(id)
          } catch {
            // still no room (or still failing): the next round tries again
          }
        }
        if (this.unsettled.size === 0 && this.settleTimer) {
          clearInterval(this.settleTimer)
          this.settleTimer = null
        }
      })().finally(() => (this.settling = null))
    }, SETTLE_RETRY_MS)
    this.settleTimer.unref()
  }

  cancel(id: string): boolean {
    const ac = this.running.get(id)
    ac?.abort(new ProviderFailure('cancelled', 'Cancelled'))
    return Boolean(ac)
  }

  /** The newest `limit` runs, newest first. */
  history(limit = HISTORY_PAGE_SIZE): EnhancementRecord[] {
    return this.log.history(limit)
  }

  /** A transcript's finished runs, oldest first: its versions. */
  doneFor(transcriptId: string): EnhancementRecord[] {
    return this.log.doneFor(transcriptId)
  }

  output(id: string): Promise<EnhancementTexts> {
    return this.log.texts(id)
  }

  /** Run to the end and return the result (the CLI's way); errors are thrown, credits refunded. */
  async run(req: EnhanceRequest, hooks: RunHooks = {}): Promise<EnhanceResult> {
    const job = await this.track(this.prepare(req, randomUUID()))
    hooks.signal?.addEventListener('abort', () => this.cancel(job.id), { once: true })
    return this.track(this.execute(job, hooks))
  }

  /**
   * Before the core closes its files: every run still going is stopped, refunded and recorded as
   * interrupted, and this waits until those writes landed (or, on a full disk, were tried once
   * more) — no record is left running, and nothing writes after the files are closed. What could
   * still not be written is what a crash leaves: the next start's recovery settles it.
   */
  async shutdown(): Promise<void> {
    this.closing = true
    for (const ac of this.running.values()) ac.abort(new ProviderFailure('cancelled', 'Interrupted'))
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
    if (this.settleTimer) clearInterval(this.settleTimer)
    this.settleTimer = null
    await this.settling
    for (const steps of this.unsettled.values()) await steps().catch(() => undefined)
    this.unsettled.clear()
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work)
    void work.then(
      () => this.inFlight.delete(work),
      () => this.inFlight.delete(work),
    )
    return work
  }

  private async prepare(req: EnhanceRequest, id: string): Promise<Job> {
    // the core is closing: nothing new is reserved only to be refunded (or left to the next start)
    if (this.closing) throw new AppError('cancelled', 'The app is closing: start the enhancement again after it restarts')
    const admitted = await admit(req, id, {
      catalog: this.deps.catalog,
      credits: this.deps.credits,
      keys: this.deps.keys,
      settings: this.deps.store.data.settings,
      env: this.deps.env ?? process.env,
      builtin: this.deps.builtin,
    })
    // step 2 (see the class comment): the running record, only once the reservation landed
    try {
      await this.log.record(id, req, admitted.model, { status: 'running' })
    } catch (err) {
      // nothing ran: the credits go back (retried until they do; a crash first leaves a pending
      // reservation of a dead owner, which the next start refunds)
      const appErr = err instanceof AppError ? err : new AppError('store-failed', (err as Error).message)
      const { message: _english, ...error } = appErr.toShape()
      await this.settle(id, () =>
        this.deps.credits.refund(admitted.reservationId, {
          text: `Refund: ${appErr.message}`,
          wording: { key: 'refund-error', params: {}, error },
        }),
      )
      throw appErr
    }
    const ac = new AbortController()
    this.running.set(id, ac)
    // admitted while the core closes: it stops at once, settled like the others
    if (this.closing) ac.abort(new ProviderFailure('cancelled', 'Interrupted'))
    return { id, req, ...admitted, signal: ac.signal }
  }

  /** A done run of a transcript goes into the search; when it cannot now, start-up catches up. */
  private indexDone(id: string): void {
    try {
      this.deps.index?.putEnhancement(id)
    } catch {
      // derived: LibraryIndex.catchUpEnhancements finds it at the next start
    }
  }

  private async execute(job: Job, hooks: RunHooks): Promise<EnhanceResult> {
    const { id, req, model, key, baseURL } = job
    const started = performance.now()
    // Filled in by runChunks; read once, and only if the run fails.
    const partial = { text: () => '' }
    try {
      const ctx: CallContext = {
        client:
          req.provider === 'builtin' && this.deps.builtin
            ? this.deps.builtin.client
            : createLlmClient({ provider: req.provider, baseURL, apiKey: key }),
        model,
        signal: job.signal,
        fence: newFence(),
        rpm: model.provider === 'groq' && this.deps.store.data.settings.groqTier === 'free' ? model.freeTierRpm : null,
      }
      const concurrency = this.deps.store.data.settings.enhanceConcurrency
      const outcome = await runChunks(this.stream, ctx, req, concurrency, hooks, partial)
      const durationMs = performance.now() - started
      const stats: EnhanceStats = {
        ttftMs: outcome.ttftMs,
        durationMs,
        tokensPerSec: outcome.tokensPerSec,
        tokensPerSecEstimated: outcome.tokensPerSecEstimated,
        chunks: outcome.chunks,
        usage: outcome.usage,
        estimatedUsd: (outcome.usage.inputTokens * model.inputUsdPer1M + outcome.usage.outputTokens * model.outputUsdPer1M) / 1e6,
      }
      // delivered: the charge stands and the text is kept, now or — on a full disk — once it lands;
      // steps 4, 5, 6 in that order (the class comment says why)
      await this.settle(id, async () => {
        await this.log.saveTexts(id, { input: req.text, output: outcome.text, partial: false })
        await this.deps.credits.commit(job.reservationId, {
          enhancementId: id,
          model: model.key,
          preset: req.preset,
          tokensIn: stats.usage.inputTokens,
          tokensOut: stats.usage.outputTokens,
          estimatedUsd: Number(stats.estimatedUsd.toFixed(6)),
          durationMs: Math.round(durationMs),
        })
        await this.log.record(id, req, model, { status: 'done', stats, preview: outcome.text.slice(0, 200) })
        this.indexDone(id)
      })
      if (outcome.ttftMs !== null && outcome.tokensPerSec !== null)
        await this.health
          .addSpeedSample(model.key, outcome.ttftMs, outcome.tokensPerSec, outcome.tokensPerSecEstimated)
          .catch(() => undefined)
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
        ? new AppError(errorCodeOf[failure.kind], redact(failure.message, [key]))
        : err instanceof AppError
          ? err
          : new AppError('internal', redact((err as Error).message ?? String(err), [key]))
      const delivered = partial.text()
      // stopped because the core closes, not by the user: recorded as recovery records a crash
      const interrupted = this.closing && failure?.kind === 'cancelled'
      await this.settle(id, async () => {
        const { message: _english, ...error } = appErr.toShape()
        await this.deps.credits.refund(
          job.reservationId,
          interrupted
            ? INTERRUPTED.refund
            : { text: `Refund: ${appErr.message}`, wording: { key: 'refund-error', params: {}, error } },
        )
        // What arrived before the failure is kept for the user, marked partial — never as a result.
        await this.log.saveTexts(id, { input: req.text, output: delivered, partial: true }).catch(() => undefined)
        await this.log.record(
          id,
          req,
          model,
          interrupted
            ? { status: 'failed', error: INTERRUPTED.enhancement }
            : { status: appErr.code === 'cancelled' ? 'cancelled' : 'failed', error: appErr.message },
        )
      })
      if (failure?.kind === 'model-unavailable' && !model.local)
        await this.health.markUnavailable(model, appErr.message).catch(() => undefined)
      throw appErr
    } finally {
      this.running.delete(id)
    }
  }
}
