import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { Badge } from '../../components/Badge'
import { useFormat } from '../../i18n/format'
import { WhisperDownloadProgress } from './WhisperDownloadProgress'
import { useWhisperModels } from './use-whisper-models'
import { ErrorBox } from '../../components/ErrorBox'

export function WhisperModels() {
  const { t } = useTranslation()
  const f = useFormat()
  const w = useWhisperModels()
  return (
    <section aria-labelledby="whisper-title">
      <h2 id="whisper-title">{t('whisper.title')}</h2>
      <p className="intro">{t('whisper.intro')}</p>
      <ErrorBox error={w.error} />
      <AsyncView state={w.list}>
        {(models) => (
          <ul className="whisper-models" data-testid="whisper-models">
            {models.map((m) => {
              const d = w.downloads[m.name]
              const running = d?.status === 'running'
              return (
                <li key={m.name} className="card" data-model={m.name}>
                  <div className="job-head">
                    <strong>{m.name}</strong>
                    <Badge>{t('whisper.size', { size: m.sizeMiB })}</Badge>
                    <Badge>{t(m.languages === 'english' ? 'whisper.english' : 'whisper.multilingual')}</Badge>
                    {m.speed ? <Badge tone="fast">{t(`whisper.speed.${m.speed}`)}</Badge> : null}
                    {typeof m.measuredRtf === 'number' ? (
                      <Badge tone="accent">{t('hardware.measured', { rtf: f.fixed2(m.measuredRtf) })}</Badge>
                    ) : null}
                    {m.accuracy ? <Badge tone="accent">{t(`whisper.accuracy.${m.accuracy}`)}</Badge> : null}
                    {m.quantized ? <Badge>{t('whisper.quantized')}</Badge> : null}
                    {m.recommended ? <Badge tone="free">{t('whisper.recommended')}</Badge> : null}
                    {m.installed ? <Badge tone="fast">{t('whisper.installed')}</Badge> : null}
                    {m.installed && w.defaultModel === m.name ? <Badge tone="accent">{t('whisper.default')}</Badge> : null}
                    <span className="actions">
                      {m.installed && w.defaultModel !== m.name ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={t('named.useDefault', { name: m.name })}
                          onClick={() => w.useAsDefault(m.name)}
                        >
                          {t('whisper.useDefault')}
                        </button>
                      ) : null}
                      {!m.installed && m.downloadable && !running ? (
                        <button
                          type="button"
                          aria-label={t('named.downloadWhisper', { name: m.name })}
                          onClick={() => w.download(m.name)}
                        >
                          {t('whisper.download')}
                        </button>
                      ) : null}
                      {running ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={t('named.cancelDownload', { name: m.name })}
                          onClick={() => w.cancel(m.name)}
                        >
                          {t('whisper.cancelDownload')}
                        </button>
                      ) : null}
                      {m.installed ? (
                        <button
                          type="button"
                          className="secondary"
                          aria-label={t('named.delete', { name: m.name })}
                          onClick={() => w.remove(m.name)}
                        >
                          {t('whisper.delete')}
                        </button>
                      ) : null}
                    </span>
                  </div>
                  <WhisperDownloadProgress name={m.name} d={d} running={running} />
                </li>
              )
            })}
          </ul>
        )}
      </AsyncView>
      <label>
        <span>{t('whisper.import')}</span>
        <input
          type="file"
          accept=".bin"
          onChange={(e) => {
            const file = e.target.files?.[0]
            if (file) w.importFile(file)
            e.target.value = ''
          }}
        />
      </label>
    </section>
  )
}
