import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { UrlImport } from '../../../../shared/calls/url-import-calls'
import { DownloadBar } from '../../components/DownloadBar'
import { useFormat } from '../../i18n/format'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useCall } from '../../lib/use-call'
import { ErrorBox } from '../../components/ErrorBox'

const hostOf = (url: string): string | null => {
  try {
    const u = new URL(url.trim())
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host : null
  } catch {
    return null
  }
}

/**
 * A link pasted on the Transcribe page becomes a job: the first time, the notice that this sends a
 * request to that site; then the download's progress (cancellable), and the job in the queue.
 */
export function UrlImportPanel({
  options,
}: {
  options: { model: string | null; language: string; translate: boolean; prompt: string }
}) {
  const { t } = useTranslation()
  const f = useFormat()
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const tool = useCall('urlImport.tool', {}, ['settings.changed'])
  const [url, setUrl] = useState('')
  const [asking, setAsking] = useState<string | null>(null)
  const [agreed, setAgreed] = useState(false)
  const [current, setCurrent] = useState<UrlImport | null>(null)
  const [error, setError] = useState<string | null>(null)

  // every import's latest state as the events tell it: the answer to "Import" can arrive after
  // the first events it caused (or even after the last), and is then older than they are
  const latest = useRef(new Map<string, UrlImport>())
  useEffect(
    () =>
      api.on('urlImport.progress', (s) => {
        latest.current.set(s.id, s)
        setCurrent((c) => (c && c.id === s.id ? s : c))
      }),
    [],
  )

  const start = async () => {
    if (!options.model) return
    setError(null)
    try {
      const { model, language, translate, prompt } = options
      const started = await api.invoke('urlImport.start', { url, options: { model, language, translate, prompt } })
      setCurrent(latest.current.get(started.id) ?? started)
      setUrl('')
    } catch (err) {
      setError(errorText(err))
    }
  }

  const submit = async () => {
    const host = hostOf(url)
    // a link that is not http(s) goes straight on, so the core says what is wrong with it
    if (host && settings.data && !settings.data.urlImportNoticeAcknowledged) {
      setAgreed(false)
      setAsking(host)
      return
    }
    await start()
  }

  const agree = async () => {
    try {
      await api.invoke('settings.set', { urlImportNoticeAcknowledged: true })
      setAsking(null)
      await start()
    } catch (err) {
      setError(errorText(err))
    }
  }

  const running = current?.status === 'running'
  const mb = (n: number) => f.fixed1(n / 1_048_576)
  return (
    <div className="card" data-testid="url-import">
      <form
        className="form-row"
        aria-label={t('urlImport.title')}
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label className="wide">
          <span>{t('urlImport.label')}</span>
          <input
            type="url"
            name="importUrl"
            inputMode="url"
            placeholder="https://"
            value={url}
            maxLength={8192}
            onChange={(e) => setUrl(e.target.value)}
            disabled={!options.model}
          />
        </label>
        <button type="submit" disabled={!options.model || !url.trim() || running || asking !== null}>
          {t('urlImport.import')}
        </button>
      </form>
      {tool.data && !tool.data.ytDlp ? (
        <p className="muted" data-testid="url-import-no-ytdlp">
          {t('urlImport.noYtDlp', { command: tool.data.install })}
        </p>
      ) : null}
      {asking ? (
        <div className="notice" data-testid="url-import-notice">
          <strong>{t('urlImport.noticeTitle')}</strong>
          <p>{t('urlImport.notice', { host: asking })}</p>
          <label className="inline">
            <input type="checkbox" name="urlImportNotice" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
            <span>{t('urlImport.acknowledge')}</span>
          </label>
          <div className="actions">
            <button type="button" disabled={!agreed} onClick={() => void agree()}>
              {t('urlImport.continue')}
            </button>
            <button type="button" className="secondary" onClick={() => setAsking(null)}>
              {t('urlImport.cancel')}
            </button>
          </div>
        </div>
      ) : null}
      {current ? (
        <div data-testid="url-import-state" data-status={current.status}>
          {running ? (
            <>
              <DownloadBar
                label={t('urlImport.progressLabel', { url: current.url })}
                receivedBytes={current.receivedBytes}
                totalBytes={current.totalBytes}
                caption={[
                  current.totalBytes
                    ? t('urlImport.progress', { received: mb(current.receivedBytes), total: mb(current.totalBytes) })
                    : t('urlImport.progressUnknown', { received: mb(current.receivedBytes) }),
                  current.method ? t(`urlImport.method.${current.method}`) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              />
              <button type="button" className="secondary" onClick={() => void api.invoke('urlImport.cancel', { id: current.id })}>
                {t('urlImport.cancelDownload')}
              </button>
            </>
          ) : current.status === 'done' ? (
            <p role="status">{t('urlImport.done', { file: current.title ?? current.url })}</p>
          ) : current.status === 'cancelled' ? (
            <p role="status">{t('urlImport.cancelled')}</p>
          ) : (
            <p role="alert" className="error-box">
              {errorText(current.error)}
            </p>
          )}
        </div>
      ) : null}
      <ErrorBox error={error} />
    </div>
  )
}
