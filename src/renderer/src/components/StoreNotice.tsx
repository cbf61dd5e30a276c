import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useCall } from '../lib/use-call'

/**
 * Tells the user what the store found at start: a damaged db.json set aside and a backup
 * restored, or ledger entries edited outside the app (they do not count towards the balance).
 */
export function StoreNotice() {
  const { t } = useTranslation()
  const info = useCall('app.info', {})
  const credits = useCall('credits.get', {}, ['credits.changed'])
  const [dismissed, setDismissed] = useState(false)
  const notice = info.data?.storeNotice
  const edited = credits.data?.editedEntries ?? 0
  if ((!notice && edited === 0) || dismissed) return null
  return (
    <div role="alert" className="notice">
      {notice && <p>{t('app.storeRestored', { path: notice.corruptCopy, backup: notice.backup })}</p>}
      {edited > 0 && <p>{t('app.ledgerEdited', { count: edited })}</p>}
      <button type="button" onClick={() => setDismissed(true)}>
        {t('app.dismiss')}
      </button>
    </div>
  )
}
