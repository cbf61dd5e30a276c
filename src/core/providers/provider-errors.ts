import { providers } from '../../shared/providers'
import type { ProviderId } from '../../shared/catalog-types'
import { RetryReason } from '../../shared/enhance-types'
import type { ErrorCode } from '../../shared/errors'

export type FailureKind =
  | 'auth'
  | 'model-unavailable'
  | 'rate-limited'
  | 'overloaded'
  | 'server'
  | 'network'
  | 'context-too-long'
  | 'bad-request'
  | 'stream-cut'
  | 'bad-reply'
  /** the answer stopped at the model's output limit (finish_reason "length") */
  | 'truncated'
  | 'cancelled'
  /** the built-in engine's process aborted on this model: running it again would abort again */
  | 'engine-crashed'

/** A provider call that failed, classified so the caller knows whether to retry. */
/** The contract's error code for each kind of provider failure (enhancement and cloud transcription alike). */
export const errorCodeOf: Record<FailureKind, ErrorCode> = {
  auth: 'provider-auth',
  'model-unavailable': 'model-unavailable',
  'rate-limited': 'rate-limited',
  overloaded: 'provider-error',
  server: 'provider-error',
  network: 'provider-error',
  'context-too-long': 'provider-error',
  'bad-request': 'provider-error',
  'stream-cut': 'provider-error',
  'bad-reply': 'provider-error',
  truncated: 'provider-error',
  cancelled: 'cancelled',
  'engine-crashed': 'engine-crashed',
}

export class ProviderFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message)
    this.name = 'ProviderFailure'
  }

  get retryable(): boolean {
    return (RetryReason.options as readonly string[]).includes(this.kind)
  }
}

/** "2m59.56s", "1.5s", "250ms", "45.8s", "3" (seconds) → milliseconds */
export function parseDuration(text: string | null | undefined): number | undefined {
  if (!text) return undefined
  const t = text.trim()
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000)
  let ms = 0
  let matched = false
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    matched = true
    const n = Number(m[1])
    ms += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n
  }
  return matched ? Math.round(ms) : undefined
}

type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined

function header(h: HeaderBag, name: string): string | undefined {
  if (!h) return undefined
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined
  const v = (h as Record<string, string | string[] | undefined>)[name]
  return Array.isArray(v) ? v[0] : v
}

/**
 * retry-after (seconds), Groq's x-ratelimit-reset-*, Gemini's retryDelay in the error body. Of
 * Groq's two limits the one that ran out is waited for: a 429 on tokens per minute says its
 * requests (counted per day, resetting in minutes) are far from spent, and waiting their reset
 * would stall the run for minutes. When neither says which ran out, the longer reset is safe.
 */
export function retryAfterFrom(headers: HeaderBag, body: unknown): number | undefined {
  const fromHeader = parseDuration(header(headers, 'retry-after'))
  if (fromHeader !== undefined) return fromHeader
  const limits = (['requests', 'tokens'] as const)
    .map((n) => ({
      reset: parseDuration(header(headers, `x-ratelimit-reset-${n}`)),
      remaining: Number(header(headers, `x-ratelimit-remaining-${n}`) ?? NaN),
    }))
    .filter((l): l is { reset: number; remaining: number } => l.reset !== undefined)
  const spent = limits.filter((l) => l.remaining === 0)
  const known = limits.length > 0 && limits.every((l) => Number.isFinite(l.remaining))
  // both still have some left: the request needs more tokens than remain this minute
  const tokens = limits.length === 2 ? [limits[1]!] : limits
  const waitFor = spent.length ? spent : known ? tokens : limits
  if (waitFor.length) return Math.max(...waitFor.map((l) => l.reset))
  const text = JSON.stringify(body ?? '')
  const delay = /"retryDelay"\s*:\s*"([^"]+)"/.exec(text)
  return delay ? parseDuration(delay[1]) : undefined
}

/** A provider as the English messages name it (the renderer words the translated ones itself). */
export const providerName = (p: ProviderId): string => providers[p].name

/** Map an SDK error (openai or groq-sdk: both carry status, headers, error) to a failure. */
export function classify(err: unknown, provider: ProviderId, modelId: string): ProviderFailure {
  if (err instanceof ProviderFailure) return err
  const e = err as { name?: string; status?: number; headers?: HeaderBag; error?: unknown; message?: string; cause?: unknown }
  const name = providerName(provider)
  if (e?.name === 'AbortError' || e?.name === 'APIUserAbortError' || /aborted/i.test(e?.message ?? '')) {
    return new ProviderFailure('cancelled', 'Cancelled')
  }
  const status = typeof e?.status === 'number' ? e.status : undefined
  const detail = bodyMessage(e?.error) ?? e?.message ?? String(err)
  const retryAfterMs = retryAfterFrom(e?.headers, e?.error)
  if (status === undefined && bodyMessage(e?.error) !== undefined) {
    // an error event inside the stream (`data: {"error": …}`): the provider's own words
    return new ProviderFailure('server', `${name} reported an error mid-answer: ${bodyMessage(e?.error)}`)
  }
  if (status === undefined) {
    // the server answered, with something that is not JSON (a proxy's error page): asking
    // again would get the same, and "could not be reached" would send the user the wrong way
    if (isUnreadableAnswer(err))
      return new ProviderFailure(
        'bad-reply',
        `${name} sent an answer that could not be read${e?.name === 'SyntaxError' ? ' (not valid JSON)' : ''}. Check the base URL, or try another model.`,
      )
    return new ProviderFailure('network', `${name} could not be reached (${detail}). Check the connection or the base URL.`)
  }
  if (status === 401 || status === 403) {
    return new ProviderFailure('auth', `${name} rejected the API key (HTTP ${status}). Check the key in Settings.`, status)
  }
  if (status === 404) {
    return new ProviderFailure(
      'model-unavailable',
      `${modelId} is no longer offered by ${name}. It is marked unavailable; pick another model.`,
      status,
    )
  }
  if (status === 429) {
    return new ProviderFailure('rate-limited', `${name} rate limit reached for ${modelId}.`, status, retryAfterMs)
  }
  if (status === 503)
    return new ProviderFailure('overloaded', `${name} is over capacity right now (HTTP 503).`, status, retryAfterMs)
  if (status >= 500) return new ProviderFailure('server', `${name} had a server error (HTTP ${status}).`, status, retryAfterMs)
  if (/context|too long|maximum.*tokens|token limit|reduce the length/i.test(detail)) {
    return new ProviderFailure('context-too-long', `The text is too long for ${modelId} (${detail}).`, status)
  }
  return new ProviderFailure('bad-request', `${name} refused the request (HTTP ${status}): ${detail}`, status)
}

/**
 * A program error raised while reading what the server sent (invalid JSON, a field of the wrong
 * type), as opposed to a lost connection: fetch's own TypeErrors ("fetch failed", "terminated")
 * carry the socket error as their cause.
 */
function isUnreadableAnswer(err: unknown): boolean {
  if (!(err instanceof TypeError || err instanceof SyntaxError || err instanceof RangeError || err instanceof ReferenceError))
    return false
  return err.cause === undefined && !/fetch failed|terminated|network|socket|closed|ECONN|ETIMEDOUT/i.test(err.message)
}

function bodyMessage(body: unknown): string | undefined {
  const b = (Array.isArray(body) ? body[0] : body) as { message?: unknown; error?: { message?: unknown } } | undefined
  const m = b?.error?.message ?? b?.message
  return typeof m === 'string' ? m : undefined
}
