import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useFormat } from '../i18n/format'
import { useConnection } from '../lib/connection'
import { useCall } from '../lib/use-call'

/** Always-visible balance, with the low-balance warning. */
export function Header() {
  const { t } = useTranslation()
  const f = useFormat()
  const credits = useCall('credits.get', {}, ['credits.changed', 'settings.changed'])
  const s = credits.data
  const down = useConnection().down
  // the last balance the host gave is said to be so while it does not answer, and after it is
  // back until the balance has been read again (the reconnect comes before that answer)
  const [heldWhileDown, setHeld] = useState<typeof s | null | undefined>(undefined)
  if (down && heldWhileDown === undefined) setHeld(s ?? null)
  if (!down && heldWhileDown !== undefined && s !== heldWhileDown) setHeld(undefined)
  const stale = down || heldWhileDown !== undefined
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </div>
      <div
        className={`balance${s?.low ? ' is-low' : ''}${stale ? ' is-stale' : ''}`}
        role="status"
        aria-live="polite"
        data-testid="header-balance"
        data-stale={stale}
      >
        <span className="muted">{t('credits.balanceLabel')}</span>{' '}
        <strong data-testid="header-balance-value">{s ? f.credits(s.balance) : t('app.loading')}</strong>
        {stale ? (
          <span className="stale-mark" title={t('connection.staleHint')}>
            {` (${t('connection.stale')})`}
          </span>
        ) : null}
        {s?.low ? (
          <span className="low-warning" title={t('credits.lowHint', { threshold: f.credits(s.lowBalanceThreshold) })}>
            {t('credits.low')}
          </span>
        ) : null}
      </div>
    </header>
  )
}
