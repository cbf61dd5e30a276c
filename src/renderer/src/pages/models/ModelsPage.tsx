import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { ModelPicker } from '../../components/ModelPicker'
import { ModelRow, UnavailableModels } from '../../components/ModelRow'
import { useMissingKeys } from '../../lib/use-missing-keys'
import { useModels } from './use-models'
import { LocalLlmModels } from './LocalLlmModels'
import { SpeakerModels } from './SpeakerModels'
import { WhisperModels } from './WhisperModels'

/** Transcription models first: without one nothing can be transcribed, so a newcomer lands there. */
export function ModelsPage() {
  const { t } = useTranslation()
  const m = useModels()
  const missingKey = useMissingKeys()
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">{t('models.title')}</h1>
      <p className="intro">{t('models.pageIntro')}</p>
      <WhisperModels />
      <SpeakerModels />
      <LocalLlmModels />
      <h2 id="enhance-models-title">{t('picker.label')}</h2>
      <p className="intro">{t('models.intro')}</p>
      <AsyncView state={m.catalog}>
        {() => (
          <>
            <ModelPicker
              models={m.active}
              balance={m.balance}
              value={m.selected}
              onChange={m.setSelected}
              missingKey={missingKey}
            />
            <UnavailableModels models={m.active} />
            {m.transcription.length ? (
              <>
                <h2>{t('models.cloudTranscriptionTitle')}</h2>
                <p className="intro">{t('models.cloudTranscriptionIntro')}</p>
                <ul className="inactive-list" data-testid="cloud-transcription-models">
                  {m.transcription.map((model) => (
                    <li key={model.key} data-key={model.key}>
                      <ModelRow model={model} affordable />
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            <h2>{t('models.inactiveTitle')}</h2>
            <p className="intro">{t('models.inactiveIntro')}</p>
            <ul className="inactive-list" data-testid="inactive-models">
              {m.inactive.map((model) => (
                <li key={model.key} data-key={model.key}>
                  <ModelRow model={model} affordable />
                  <span className="muted">{t(`models.kind.${model.kind}`)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </AsyncView>
    </section>
  )
}
