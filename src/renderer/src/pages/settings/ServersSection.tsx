import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { SavedField } from '../../components/SavedField'
import { api } from '../../lib/api'
import { useCall } from '../../lib/use-call'
import { ErrorBox } from '../../components/ErrorBox'
import { errorText } from '../../lib/error-text'

/** An address the app can send audio to: http or https, parsed as a whole URL. */
function isServerUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol)
  } catch {
    return false
  }
}

/** The user's own transcription servers: used in parallel before this computer, at 0 credits. */
export function ServersSection() {
  const { t } = useTranslation()
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const servers = settings.data?.transcriptionServers ?? []
  const [url, setUrl] = useState('')
  const [concurrency, setConcurrency] = useState(1)
  const [understood, setUnderstood] = useState(false)
  const acknowledged = settings.data?.cloudNoticeAcknowledged ?? []
  const [error, setError] = useState<string | null>(null)

  const save = async (next: typeof servers, acknowledge: string[] = acknowledged) => {
    setError(null)
    try {
      await api.invoke('settings.set', { transcriptionServers: next, cloudNoticeAcknowledged: acknowledge })
    } catch (err) {
      setError(errorText(err))
    }
  }
  const typed = url.trim()
  const valid = isServerUrl(typed)
  const addServer = async () => {
    if (!valid) return setError(t('servers.invalid'))
    // the user was told, for this address, that the audio leaves the computer (kept per receiver)
    const receiver = typed
    await save([...servers, { url: receiver, concurrency }], [...new Set([...acknowledged, receiver])].slice(-100))
    setUrl('')
    setUnderstood(false)
  }

  return (
    <section aria-labelledby="servers-title" data-testid="servers-section">
      <h2 id="servers-title">{t('servers.title')}</h2>
      <p className="intro">{t('servers.intro')}</p>
      {servers.length === 0 ? (
        <p className="empty">{t('servers.empty')}</p>
      ) : (
        <ul data-testid="servers-list">
          {servers.map((s, i) => (
            <li key={`${s.url}-${i}`}>
              <code>{s.url}</code> {t('servers.atOnce', { count: s.concurrency })}{' '}
              <button
                type="button"
                className="secondary"
                aria-label={t('servers.remove', { url: s.url })}
                onClick={() => void save(servers.filter((_, j) => j !== i))}
              >
                {t('servers.removeShort')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="form-row">
        <label>
          <span>{t('servers.url')}</span>
          <input
            name="serverUrl"
            type="url"
            value={url}
            placeholder="http://192.168.1.20:8080"
            aria-invalid={typed !== '' && !valid}
            aria-describedby={typed !== '' && !valid ? 'server-url-hint' : undefined}
            onChange={(e) => setUrl(e.target.value)}
          />
        </label>
        <label>
          <span>{t('servers.concurrency')}</span>
          <input
            name="serverConcurrency"
            type="number"
            min={1}
            max={16}
            value={concurrency}
            onChange={(e) => setConcurrency(Math.max(1, Math.min(16, Number(e.target.value) || 1)))}
          />
        </label>
        <button type="button" onClick={() => void addServer()} disabled={!valid || !understood}>
          {t('servers.add')}
        </button>
      </div>
      {typed !== '' && !valid ? (
        <p className="muted" id="server-url-hint" data-testid="server-url-hint">
          {t('servers.invalid')}
        </p>
      ) : null}
      {/* consent is asked for an address the audio could really go to, not for half-typed text */}
      {valid ? (
        <div className="notice" data-testid="server-notice">
          <p>{t('servers.notice', { url: typed })}</p>
          <label className="inline">
            <input type="checkbox" name="serverNotice" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />
            <span>{t('cloud.acknowledge', { receiver: typed })}</span>
          </label>
        </div>
      ) : null}
      {settings.data ? (
        // Groq's free tier takes 25 MB per request; higher tiers and other servers take more
        <SavedField
          label={t('servers.uploadLimit')}
          name="cloudMaxUploadMB"
          numeric
          initial={String(settings.data.cloudMaxUploadMB)}
          valid={(v) => /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 1000}
          onSave={async (v) => {
            try {
              await api.invoke('settings.set', { cloudMaxUploadMB: Number(v) })
              return true
            } catch (err) {
              setError(errorText(err))
              return false
            }
          }}
        />
      ) : null}
      <ErrorBox error={error} />
    </section>
  )
}
