import type { ModelView } from '../../shared/catalog-types'
import type { RetryReason } from '../../shared/enhance-types'
import type { LlmClient, StreamResult } from '../providers/llm-client'
import { ProviderFailure } from '../providers/provider-errors'
import { type RateLimiter, sleep } from '../providers/rate-limiter'
import { CHARS_PER_TOKEN, splitIntoChunks } from './chunking'
import { wrapTranscript, type Fence } from './presets'

export interface RetryPolicy {
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 }

/** What every request of one enhancement shares. */
export interface CallContext {
  client: LlmClient
  model: ModelView
  signal: AbortSignal
  /** the data block's random tag, shared by the system prompt and every request of this run */
  fence: Fence
  /** requests per minute the provider allows this model (null: no limit known) */
  rpm: number | null
}

/** A failed attempt that will be tried again: why, which attempt it was, and how long the wait is. */
export interface RetryNotice {
  reason: RetryReason
  attempt: number
  maxAttempts: number
  delayMs: number
}
export type OnRetry = (r: RetryNotice) => void

export type OnDelta = (text: string, reset: boolean) => void

/** How often a part may be halved again: a part too long for the model, or whose answer is. */
const MAX_SPLIT_DEPTH: Partial<Record<ProviderFailure['kind'], number>> = { 'context-too-long': 1, truncated: 2 }

/**
 * One streamed request that survives what can be survived: it waits its turn in the provider's
 * rate limit, retries 429/5xx/cut streams with backoff (honouring retry-after, which pauses the
 * whole model key), and splits in two a chunk the provider finds too long, or whose answer was
 * cut off at the model's output limit (finish_reason "length": each half asks for a shorter
 * answer) — never keeping a cut-off answer as if it were whole. A retry first tells the
 * listener to drop what the failed attempt streamed (`reset`).
 */
export class RetryingStream {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly retry: RetryPolicy,
  ) {}

  async call(
    ctx: CallContext,
    system: string,
    text: string,
    on: { delta: OnDelta; retry?: OnRetry },
    splitDepth = 0,
  ): Promise<StreamResult> {
    const onDelta = on.delta
    try {
      return await this.withRetries(ctx, system, text, on)
    } catch (err) {
      if (!(err instanceof ProviderFailure) || splitDepth >= (MAX_SPLIT_DEPTH[err.kind] ?? 0)) throw finalOf(err)
      const halves = splitIntoChunks(text, Math.ceil(text.length / CHARS_PER_TOKEN / 2))
      if (halves.length < 2) throw finalOf(err)
      onDelta('', true)
      const parts: StreamResult[] = []
      for (const half of halves) {
        if (parts.length) onDelta('\n\n', false)
        parts.push(await this.call(ctx, system, half, on, splitDepth + 1))
      }
      return {
        text: parts.map((p) => p.text).join('\n\n'),
        usage: parts.reduce(
          (u, p) => ({ inputTokens: u.inputTokens + p.usage.inputTokens, outputTokens: u.outputTokens + p.usage.outputTokens }),
          { inputTokens: 0, outputTokens: 0 },
        ),
        ttftMs: parts[0]?.ttftMs ?? null,
        durationMs: parts.reduce((a, p) => a + p.durationMs, 0),
        usageEstimated: parts.some((p) => p.usageEstimated === true),
      }
    }
  }

  private async withRetries(
    { client, model, signal, fence, rpm }: CallContext,
    system: string,
    text: string,
    on: { delta: OnDelta; retry?: OnRetry },
  ): Promise<StreamResult> {
    const onDelta = on.delta
    const limitKey = model.key
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
        on.retry?.({ reason: f.kind as RetryReason, attempt, maxAttempts: this.retry.maxAttempts, delayMs: delay })
        await sleep(delay, signal).catch(() => {
          throw new ProviderFailure('cancelled', 'Cancelled')
        })
      }
    }
  }
}

/** What a failure says once it can be split no further. */
function finalOf(err: unknown): unknown {
  if (err instanceof ProviderFailure && err.kind === 'truncated')
    return new ProviderFailure(
      'truncated',
      `${err.message} Smaller parts were cut off too, so nothing was charged; what it wrote is kept, marked partial. Pick a model with a larger output limit, or a preset that asks for a shorter answer.`,
    )
  return err
}
