import i18next from 'i18next'

/** A core message's values as the UI shows them: a provider id by its name, a known field by its label. */
function wordParams(params: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(typeof params === 'object' && params !== null ? params : {})) {
    if (typeof v !== 'string' && typeof v !== 'number') continue
    if (k === 'provider' && typeof v === 'string' && i18next.exists(`providers.${v}`)) out[k] = i18next.t(`providers.${v}`)
    else if (k === 'field' && typeof v === 'string' && i18next.exists(`errors.fields.${v}`))
      out[k] = i18next.t(`errors.fields.${v}`)
    else out[k] = v
  }
  return out
}

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
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown
    message?: unknown
    key?: unknown
    params?: unknown
  }
  const message = typeof e.message === 'string' ? e.message : String(err)
  const code = typeof e.code === 'string' ? e.code : null
  // a message with its own key is worded here from its values (see errorKeys in shared/errors)
  if (typeof e.key === 'string' && i18next.exists(`errors.keys.${e.key}`))
    return i18next.t(`errors.keys.${e.key}`, wordParams(e.params))
  if (code && byCode.has(code)) return i18next.t(`errors.codes.${code}`)
  if (code === 'provider-error' || code === 'engine-crashed') return i18next.t(`errors.codes.${code}`, { detail: message })
  return message
}
