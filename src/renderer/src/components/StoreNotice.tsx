import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useCall } from '../lib/use-call'

/** Tells the user once that a damaged db.json was set aside, and where it is. */
export function StoreNotice() {
  const { t } = useTranslation()
  const info = useCall('app.info', {})
  const [dismissed, setDismissed] = useState(false)
  const notice = info.data?.storeNotice
  if (!notice || dismissed) return null
  return (
    <div role="alert" className="notice">
      <p>{t(notice.kind === 'restored-from-backup' ? 'app.storeRestored' : 'app.storeReset', { path: notice.corruptCopy })}</p>
      <button type="button" onClick={() => setDismissed(true)}>
        {t('app.dismiss')}
      </button>
    </div>
  )
}
