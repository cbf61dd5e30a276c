import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { useFormat } from '../../i18n/format'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'
import { ErrorBox } from '../../components/ErrorBox'
import { languageName } from '../../../../shared/languages'

/** The two speaker-detection models: what they are, their licence and size, and one download. */
export function SpeakerModels() {
  const { t, i18n } = useTranslation()
  const f = useFormat()
  const list = useCall('speakers.models', {})
  const { error, run } = useAction()
  const [busy, setBusy] = useState(false)
  const download = () =>
    void run(async () => {
      setBusy(true)
      try {
        await api.invoke('speakers.downloadModels', {})
        list.reload()
      } finally {
        setBusy(false)
      }
    })
  return (
    <section aria-labelledby="speaker-models-title" data-testid="speaker-models">
      <h2 id="speaker-models-title">{t('speakers.modelsTitle')}</h2>
      <p className="intro">{t('speakers.modelsIntro')}</p>
      <AsyncView state={list}>
        {(models) => (
          <>
            <ul className="model-list">
              {models.map((m) => (
                <li key={m.role} className="card">
                  <strong>{m.title}</strong>{' '}
                  <span className={m.installed ? 'positive' : 'muted'}>
                    {m.installed ? t('speakers.installed') : t('speakers.notInstalled')}
                  </span>
                  <div className="muted">
                    {m.trainedOn ? `${t('speakers.trainedOn', { language: languageName(m.trainedOn, i18n.language) })} · ` : null}
                    {t('speakers.license', { license: m.license })}
                    {' · '}
                    {t('speakers.size', { size: f.fixed1(m.sizeMiB) })}
                  </div>
                </li>
              ))}
            </ul>
            {models.every((m) => m.installed) ? null : (
              <button type="button" disabled={busy} onClick={download}>
                {busy ? t('speakers.downloading') : t('speakers.download')}
              </button>
            )}
          </>
        )}
      </AsyncView>
      <ErrorBox error={error} />
    </section>
  )
}
