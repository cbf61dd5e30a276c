import type { TFunction } from 'i18next'
import { ProviderId } from '../../../../shared/catalog-types'
import { LedgerWording, type LedgerEntry } from '../../../../shared/credits-types'
import { Preset } from '../../../../shared/enhance-types'
import { errorText } from '../../lib/error-text'
import { providerName } from '../../lib/provider-name'

/**
 * A ledger line's reason in the UI's language. The core writes the app's own reasons in English
 * (the ledger is shared with the CLI and must not change with the UI's language); the ones it
 * writes are recognised here and said in the user's language. A reason the user typed (a
 * top-up note) and a provider's own error text are shown as they are.
 */
export function ledgerReason(e: Pick<LedgerEntry, 'reason' | 'details'>, t: TFunction): string {
  const r = e.reason
  // lines written since the app keeps a key and values beside the English
  const w = LedgerWording.safeParse(e.details?.wording)
  if (w.success) {
    const p = w.data.params
    if (w.data.key === 'refund-error' && w.data.error)
      return t('credits.reasons.refund', { detail: errorText({ ...w.data.error, message: r.replace(/^Refund: /, '') }) })
    if (w.data.key === 'refund-file')
      return t(p.outcome === 'cancelled' ? 'credits.reasons.refundFileCancelled' : 'credits.reasons.refundFileFailed', {
        file: p.file,
      })
    if (w.data.key === 'transcription') return t('credits.reasons.transcription', p)
  }
  if (r === 'Welcome credits') return t('credits.reasons.welcome')
  if (r === 'Top-up') return t('credits.reasons.topUp')
  if (r === 'Top-up (CLI)') return t('credits.reasons.topUpCli')
  if (r === 'Refund: work interrupted before it finished') return t('credits.reasons.interrupted')
  if (r === 'Refund: Cancelled') return t('credits.reasons.cancelled')
  if (r === 'Charge: finished after it was taken for interrupted') return t('credits.reasons.lateCharge')
  // "with GPT-OSS 20B (groq)": the provider's id at the end names the provider (older lines have none)
  const enhancement = /^Enhancement: (\w+) with (.+?)(?: \((\w+)\))?$/.exec(r)
  if (enhancement && Preset.safeParse(enhancement[1]).success) {
    const provider = ProviderId.safeParse(enhancement[3])
    const model = provider.success
      ? t('named.withProvider', { name: enhancement[2], provider: providerName(provider.data) })
      : enhancement[3]
        ? `${enhancement[2]} (${enhancement[3]})`
        : enhancement[2]!
    return t('credits.reasons.enhancement', { preset: t(`enhance.presets.${enhancement[1]}`), model })
  }
  const refund = /^Refund: (.+)$/s.exec(r)
  if (refund) return t('credits.reasons.refund', { detail: refund[1] })
  return r
}
