import i18next from 'i18next'
import { NO_DETAILS } from '../../../shared/errors'
import { providerNameOf } from './provider-name'

/** A core message's values as the UI shows them: a provider id by its name, a known field by its label, "no details" in the UI's words. */
function wordParams(params: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(typeof params === 'object' && params !== null ? params : {})) {
    if (typeof v !== 'string' && typeof v !== 'number') continue
    if (v === NO_DETAILS) out[k] = i18next.t('errors.noDetails')
    else if (k === 'provider' && typeof v === 'string') out[k] = providerNameOf(v)
    else if (k === 'field' && typeof v === 'string' && i18next.exists(`errors.fields.${v}`))
      out[k] = i18next.t(`errors.fields.${v}`)
    else if (k === 'folder' && typeof v === 'string' && i18next.exists(`errors.folders.${v}`))
      out[k] = i18next.t(`errors.folders.${v}`)
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

/** Codes whose detail is someone else's words (a provider's reply, an engine's abort): quoted, not translated. */
const quotesDetail = new Set(['provider-error', 'engine-crashed'])

/**
 * An error from the core, in the UI's language. Errors cross the boundary as a code, an English
 * message and, where the core has one, a key with its values, worded here. Known codes are
 * translated; a provider's own words are quoted as theirs. The core's English message is shown
 * only on an English page (it is more specific than its code); any other language gets the code's
 * own wording, so no core English reaches a Turkish page.
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
  // the transport's own failure: the host did not answer (the banner says the rest)
  if (code === 'host-unreachable') return i18next.t('connection.unreachable')
  // a message with its own key is worded here from its values (see errorKeys in shared/errors)
  if (typeof e.key === 'string' && i18next.exists(`errors.keys.${e.key}`))
    return i18next.t(`errors.keys.${e.key}`, wordParams(e.params))
  if (code && byCode.has(code)) return i18next.t(`errors.codes.${code}`)
  if (code && quotesDetail.has(code)) return i18next.t(`errors.codes.${code}`, { detail: message })
  if (i18next.resolvedLanguage === 'en' || i18next.language === 'en') return message
  return i18next.t(`errors.codes.${code && i18next.exists(`errors.codes.${code}`) ? code : 'internal'}`)
}
