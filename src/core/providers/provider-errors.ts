import type { ProviderId } from '../../shared/catalog-types'
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
  | 'cancelled'

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
  cancelled: 'cancelled',
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
    return ['rate-limited', 'overloaded', 'server', 'network', 'stream-cut'].includes(this.kind)
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

/** retry-after (seconds), Groq's x-ratelimit-reset-*, Gemini's retryDelay in the error body. */
export function retryAfterFrom(headers: HeaderBag, body: unknown): number | undefined {
  const fromHeader = parseDuration(header(headers, 'retry-after'))
  if (fromHeader !== undefined) return fromHeader
  const resets = ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']
    .map((n) => parseDuration(header(headers, n)))
    .filter((x): x is number => x !== undefined)
  if (resets.length) return Math.max(...resets)
  const text = JSON.stringify(body ?? '')
  const delay = /"retryDelay"\s*:\s*"([^"]+)"/.exec(text)
  return delay ? parseDuration(delay[1]) : undefined
}

const providerNames: Record<ProviderId, string> = {
  groq: 'Groq',
  together: 'Together AI',
  openai: 'OpenAI',
  gemini: 'Gemini',
  custom: 'The local server',
  builtin: 'The built-in engine',
}

/** A provider as the English messages name it (the renderer has its own names). */
export const providerName = (p: ProviderId): string => providerNames[p]

/** Map an SDK error (openai or groq-sdk: both carry status, headers, error) to a failure. */
export function classify(err: unknown, provider: ProviderId, modelId: string): ProviderFailure {
  if (err instanceof ProviderFailure) return err
  const e = err as { name?: string; status?: number; headers?: HeaderBag; error?: unknown; message?: string; cause?: unknown }
  const name = providerNames[provider]
  if (e?.name === 'AbortError' || e?.name === 'APIUserAbortError' || /aborted/i.test(e?.message ?? '')) {
    return new ProviderFailure('cancelled', 'Cancelled')
  }
  const status = typeof e?.status === 'number' ? e.status : undefined
  const detail = bodyMessage(e?.error) ?? e?.message ?? String(err)
  const retryAfterMs = retryAfterFrom(e?.headers, e?.error)
  if (status === undefined) {
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

function bodyMessage(body: unknown): string | undefined {
  const b = (Array.isArray(body) ? body[0] : body) as { message?: unknown; error?: { message?: unknown } } | undefined
  const m = b?.error?.message ?? b?.message
  return typeof m === 'string' ? m : undefined
}
