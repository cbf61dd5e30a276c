import { useTranslation } from 'react-i18next'
import { ModelDownloadProgress } from '../models/ModelDownloadProgress'
import { navigate } from '../../lib/use-route'
import { useWhisperModels } from '../models/use-whisper-models'
import { ErrorBox } from '../../components/ErrorBox'

/**
 * The Transcribe page before any whisper model is installed: the model recommended for this
 * computer can be downloaded right here (its size, then the live progress and time left), or a
 * model file imported, so the first transcript does not need a detour or a cloud model.
 */
export function FirstModel({ onInstalled }: { onInstalled: () => void }) {
  const { t } = useTranslation()
  const w = useWhisperModels()
  const recommended = (w.list.data ?? []).find((m) => m.recommended && m.downloadable)
  const d = recommended ? w.downloads[recommended.name] : undefined
  const running = d?.status === 'running'
  return (
    <div className="card empty-state" data-testid="no-model">
      <p>{t('transcribe.noModelHere')}</p>
      {recommended ? (
        <>
          <p>
            <strong>
              {t('transcribe.recommendedTitle', {
                name: recommended.name,
                size: recommended.sizeMiB,
                languages: t(recommended.languages === 'english' ? 'whisper.english' : 'whisper.multilingual'),
              })}
            </strong>
          </p>
          <div className="actions">
            {running ? (
              <button type="button" className="secondary" onClick={() => w.cancel(recommended.name)}>
                {t('transcribe.cancelDownload')}
              </button>
            ) : (
              <button type="button" onClick={() => w.download(recommended.name)}>
                {t('transcribe.downloadModel', { name: recommended.name })}
              </button>
            )}
            <button type="button" className="secondary" onClick={() => navigate('models')}>
              {t('transcribe.goToModels')}
            </button>
          </div>
          <ModelDownloadProgress label={recommended.name} d={d} />
        </>
      ) : (
        <button type="button" onClick={() => navigate('models')}>
          {t('transcribe.goToModels')}
        </button>
      )}
      <ErrorBox error={w.error} />
      <label>
        <span>{t('transcribe.importModel')}</span>
        <input
          type="file"
          accept=".bin"
          name="importModel"
          onChange={(e) => {
            const file = e.target.files?.[0]
            if (file) w.importFile(file, onInstalled)
            e.target.value = ''
          }}
        />
      </label>
    </div>
  )
}
