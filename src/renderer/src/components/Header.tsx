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
  // the last balance the host gave, said to be so while it does not answer
  const stale = useConnection().down
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
