import { useEffect, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { LanguageSelect } from '../../components/LanguageSelect'
import { useFormat } from '../../i18n/format'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'
import { navigate } from '../../lib/use-route'
import { recorder } from './recorder'

/** The microphones the browser offers (named only once the page may use one). */
function useInputs(status: string) {
  const [inputs, setInputs] = useState<MediaDeviceInfo[]>([])
  useEffect(() => {
    const md = navigator.mediaDevices
    if (!md?.enumerateDevices) return
    const load = () => void md.enumerateDevices().then((all) => setInputs(all.filter((d) => d.kind === 'audioinput')))
    load()
    md.addEventListener('devicechange', load)
    return () => md.removeEventListener('devicechange', load)
  }, [status])
  return inputs
}

export function RecordPage() {
  const { t } = useTranslation()
  const f = useFormat()
  const rec = useSyncExternalStore(recorder.subscribe, recorder.get)
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const models = useCall('models.list', {}, ['models.download'])
  // offered as soon as a recording's page is gone (another tab reloaded or closed mid-recording)
  const recoverable = useCall('recording.recoverable', {}, ['transcribe.job', 'recording.abandoned', 'recording.state'])
  const inputs = useInputs(rec.status)
  const [deviceId, setDeviceId] = useState('')
  const [model, setModel] = useState<string | null>(null)
  const [language, setLanguage] = useState<string | null>(null)
  const [systemAudio, setSystemAudio] = useState(false)
  const action = useAction()

  const installed = (models.data ?? []).filter((m) => m.installed)
  const chosenModel = model ?? settings.data?.whisperModel ?? installed[0]?.name ?? null
  const chosenLanguage = language ?? settings.data?.transcribeLanguage ?? 'auto'
  const busy = rec.status !== 'idle'
  const deviceName = (d: MediaDeviceInfo, i: number) => d.label || t('recording.deviceN', { n: i + 1 })

  const start = () => {
    if (!chosenModel) return
    const i = inputs.findIndex((d) => d.deviceId === deviceId)
    void recorder.start({
      deviceId,
      deviceLabel: i >= 0 ? deviceName(inputs[i]!, i) : '',
      language: chosenLanguage,
      model: chosenModel,
      systemAudio,
    })
  }
  const stop = async () => {
    const id = await recorder.stop()
    if (id) navigate('transcript', id)
  }

  return (
    <section aria-labelledby="record-title">
      <h1 id="record-title">{t('recording.title')}</h1>
      <p className="intro">{t('recording.intro')}</p>

      {(recoverable.data ?? []).map((r) => (
        <div key={r.id} className="card notice" role="status" data-testid="recoverable">
          <p>{t('recording.recoverable', { when: f.dateTime(r.startedAt), duration: f.duration(r.durationSec) })}</p>
          <button
            type="button"
            onClick={() =>
              void action.run(async () => {
                await api.invoke('recording.recover', { id: r.id, action: 'finish' })
                recoverable.reload()
                navigate('transcribe')
              })
            }
          >
            {t('recording.finish')}
          </button>{' '}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              void action.run(async () => {
                await api.invoke('recording.recover', { id: r.id, action: 'discard' })
                recoverable.reload()
              })
            }
          >
            {t('recording.discardRecovered')}
          </button>
        </div>
      ))}

      {models.data && installed.length === 0 ? (
        <div className="card empty-state">
          <p>{t('transcribe.noModel')}</p>
          <button type="button" onClick={() => navigate('models')}>
            {t('transcribe.goToModels')}
          </button>
        </div>
      ) : (
        <div className="card form-row">
          <label>
            <span>{t('recording.device')}</span>
            <select value={deviceId} onChange={(e) => setDeviceId(e.target.value)} name="device" disabled={busy}>
              <option value="">{t('recording.defaultDevice')}</option>
              {inputs
                .filter((d) => d.deviceId && d.deviceId !== 'default')
                .map((d, i) => (
                  <option key={d.deviceId} value={d.deviceId}>
                    {deviceName(d, i)}
                  </option>
                ))}
            </select>
          </label>
          <label>
            <span>{t('transcribe.model')}</span>
            <select value={chosenModel ?? ''} onChange={(e) => setModel(e.target.value)} name="whisperModel" disabled={busy}>
              {installed.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <LanguageSelect label={t('transcribe.language')} value={chosenLanguage} onChange={setLanguage} name="language" />
          <label className="inline">
            <input
              type="checkbox"
              checked={systemAudio}
              onChange={(e) => setSystemAudio(e.target.checked)}
              disabled={busy}
              name="systemAudio"
            />
            <span>{t('recording.systemAudio')}</span>
          </label>
          <p className="muted wide">{t('recording.systemAudioHint')}</p>
        </div>
      )}

      <div className="card record-controls">
        <div className="job-progress">
          <span id="level-label">{t('recording.level')}</span>
          <div
            className="bar"
            role="meter"
            aria-labelledby="level-label"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(rec.level * 100)}
            data-testid="level"
          >
            <div className="bar-fill" style={{ width: `${Math.round(rec.level * 100)}%` }} />
          </div>
          <output aria-label={t('recording.elapsed')} data-testid="elapsed">
            {f.duration(rec.elapsedSec)}
          </output>
          <span className="badge" role="status">
            {t(`recording.status.${rec.status}`)}
          </span>
        </div>
        <p className="actions">
          {rec.status === 'idle' ? (
            <button type="button" onClick={start} disabled={!chosenModel}>
              {t('recording.start')}
            </button>
          ) : null}
          {rec.status === 'recording' ? (
            <button type="button" className="secondary" onClick={() => void recorder.pause()}>
              {t('recording.pause')}
            </button>
          ) : null}
          {rec.status === 'paused' ? (
            <button type="button" className="secondary" onClick={() => void recorder.resume()}>
              {t('recording.resume')}
            </button>
          ) : null}
          {rec.status === 'recording' || rec.status === 'paused' ? (
            <>
              {' '}
              <button type="button" onClick={() => void stop()}>
                {t('recording.stop')}
              </button>{' '}
              <button type="button" className="secondary" onClick={() => void recorder.discard()}>
                {t('recording.discard')}
              </button>
            </>
          ) : null}
        </p>
      </div>

      {rec.problem ? (
        <div role="alert" className="error-box" data-testid="capture-problem">
          <p>{t(`recording.problem.${rec.problem}`)}</p>
          {rec.problem === 'denied' ? (
            <ul>
              <li>{t('recording.allow.browser')}</li>
              <li>{t('recording.allow.windows')}</li>
              <li>{t('recording.allow.macos')}</li>
              <li>{t('recording.allow.linux')}</li>
            </ul>
          ) : null}
        </div>
      ) : null}
      {rec.noSystemAudio ? (
        <p role="status" className="notice" data-testid="no-system-audio">
          {t('recording.noSystemAudio')}
        </p>
      ) : null}
      {rec.error != null || action.error ? (
        <p role="alert" className="error-box">
          {rec.error != null ? errorText(rec.error) : action.error}
        </p>
      ) : null}

      <h2>{t('recording.liveTitle')}</h2>
      {rec.segments.length === 0 ? (
        <p className="empty">{busy ? t('recording.liveWaiting') : t('recording.liveEmpty')}</p>
      ) : (
        <ol className="live-segments" data-testid="live-segments" aria-live="polite">
          {rec.segments.map((s, i) => (
            <li key={i}>
              <span className="muted">{f.duration(s.start)}</span> {s.text}{' '}
              <span className="muted">{t('recording.delay', { sec: f.fixed1(s.delaySec) })}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
