import { useTranslation } from 'react-i18next'
import { useFormat } from '../i18n/format'
import { useCall } from '../lib/use-call'

/** Always-visible balance, with the low-balance warning. */
export function Header() {
  const { t } = useTranslation()
  const f = useFormat()
  const credits = useCall('credits.get', {}, ['credits.changed', 'settings.changed'])
  const s = credits.data
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">{t('app.name')}</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
      </div>
      <div className={`balance${s?.low ? ' is-low' : ''}`} role="status" aria-live="polite" data-testid="header-balance">
        <span className="muted">{t('credits.balanceLabel')}</span>{' '}
        <strong data-testid="header-balance-value">{s ? f.credits(s.balance) : t('app.loading')}</strong>
        {s?.low ? (
          <span className="low-warning" title={t('credits.lowHint', { threshold: f.credits(s.lowBalanceThreshold) })}>
            {t('credits.low')}
          </span>
        ) : null}
      </div>
    </header>
  )
}
