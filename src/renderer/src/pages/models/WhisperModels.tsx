import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { Badge } from '../../components/Badge'
import { useFormat } from '../../i18n/format'
import { ItemButton } from '../../components/ItemButton'
import { ModelCard } from './ModelCard'
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
            {models.map((m) => (
              <ModelCard
                key={m.name}
                name={m.name}
                title={m.name}
                installed={m.installed}
                downloadable={m.downloadable}
                download={w.downloads[m.name]}
                onDownload={() => w.download(m.name)}
                onCancel={() => w.cancel(m.name)}
                onDelete={() => w.remove(m.name)}
                badges={
                  <>
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
                  </>
                }
                actions={
                  m.installed && w.defaultModel !== m.name ? (
                    <ItemButton action={t('whisper.useDefault')} item={m.name} onClick={() => w.useAsDefault(m.name)} secondary />
                  ) : null
                }
              />
            ))}
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
