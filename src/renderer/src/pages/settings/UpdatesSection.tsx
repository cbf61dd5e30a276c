import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { UpdateStatus } from '../../../../shared/calls/update-calls'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { ErrorBox } from '../../components/ErrorBox'

/**
 * "Check for updates" in the desktop app; elsewhere (the web host) updates come with the package.
 * Never installed during a recording or a transcription: the core decides (update-decision.ts).
 */
export function UpdatesSection({
  shell,
  version,
}: {
  shell: 'electron' | 'web' | 'cli' | undefined
  version: string | undefined
}) {
  const { t } = useTranslation()
  const [status, setStatus] = useState<UpdateStatus | null>(null)
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const check = async () => {
    setChecking(true)
    setError(null)
    try {
      setStatus(await api.invoke('updates.check', {}))
    } catch (err) {
      setError(errorText(err))
    } finally {
      setChecking(false)
    }
  }
  return (
    <div className="card settings" data-testid="updates-section">
      <h2>{t('updates.title')}</h2>
      <p className="muted">{t('updates.current', { version: version ?? '' })}</p>
      {shell === 'electron' ? (
        <button type="button" className="secondary" disabled={checking} onClick={() => void check()}>
          {checking ? t('updates.checking') : t('updates.check')}
        </button>
      ) : (
        <p data-testid="updates-packaged">{t('updates.packaged')}</p>
      )}
      {status ? (
        <p role="status" data-testid="updates-status" data-action={status.action}>
          {t(`updates.action.${status.action}`, { latest: status.latest ?? '' })}
        </p>
      ) : null}
      <ErrorBox error={error} />
    </div>
  )
}
