import i18next from 'i18next'

/** Codes whose meaning is the whole story: the user's language says it better than the core's English. */
const byCode = new Set([
  'insufficient-credits',
  'missing-key',
  'provider-auth',
  'model-unavailable',
  'rate-limited',
  'cancelled',
  'forbidden',
  'store-failed',
  'conflict',
  'unknown-channel',
])

/**
 * An error from the core, in the UI's language. Errors cross the boundary as a code and an
 * English message; known codes are translated here, and where the message carries a detail the
 * code cannot (a provider's own words, a field name) that detail is kept.
 */
export function errorText(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown }
  const message = typeof e.message === 'string' ? e.message : String(err)
  const code = typeof e.code === 'string' ? e.code : null
  if (code && byCode.has(code)) return i18next.t(`errors.codes.${code}`)
  if (code === 'provider-error' || code === 'engine-crashed') return i18next.t(`errors.codes.${code}`, { detail: message })
  return message
}
