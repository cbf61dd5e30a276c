import { useTranslation } from 'react-i18next'
import { retryConnection, useConnection } from '../lib/connection'

/** The one place that says the app's host stopped answering; panels keep what they showed. */
export function ConnectionBanner() {
  const { t } = useTranslation()
  const c = useConnection()
  if (!c.down) return null
  return (
    <div role="alert" className="connection-banner" data-testid="connection-banner">
      <p>
        <strong>{t('connection.lost')}</strong> {t('connection.hint')}
      </p>
      <button type="button" onClick={() => void retryConnection()} disabled={c.checking}>
        {c.checking ? t('connection.checking') : t('connection.retry')}
      </button>
    </div>
  )
}
