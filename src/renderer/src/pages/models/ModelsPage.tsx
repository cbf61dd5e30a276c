import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { ModelPicker } from '../../components/ModelPicker'
import { ModelRow } from '../../components/ModelRow'
import { useModels } from './use-models'
import { WhisperModels } from './WhisperModels'

export function ModelsPage() {
  const { t } = useTranslation()
  const m = useModels()
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">{t('models.title')}</h1>
      <p className="intro">{t('models.intro')}</p>
      <AsyncView state={m.catalog}>
        {() => (
          <>
            <ModelPicker models={m.active} balance={m.balance} value={m.selected} onChange={m.setSelected} />
            <h2>{t('models.inactiveTitle')}</h2>
            <p className="intro">{t('models.inactiveIntro')}</p>
            <ul className="inactive-list" data-testid="inactive-models">
              {m.inactive.map((model) => (
                <li key={model.key}>
                  <ModelRow model={model} affordable />
                  <span className="muted">{t(`models.kind.${model.kind}`)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </AsyncView>
      <WhisperModels />
    </section>
  )
}
