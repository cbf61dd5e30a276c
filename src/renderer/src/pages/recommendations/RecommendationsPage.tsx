import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { useFormat } from '../../i18n/format'
import { useRecommendations } from './use-recommendations'
import { providerName } from '../../lib/provider-name'

/** Each scenario's model as its rule picks it from the catalog, with the rule said beside it. */
export function RecommendationsPage() {
  const { t } = useTranslation()
  const f = useFormat()
  const state = useRecommendations()
  return (
    <section aria-labelledby="rec-title">
      <h1 id="rec-title">{t('recommendations.title')}</h1>
      <p className="intro" data-testid="recommendations-intro">
        {t('recommendations.introRules')}
      </p>
      <AsyncView state={state}>
        {(recs) => (
          <table data-testid="recommendations">
            <thead>
              <tr>
                <th scope="col">{t('recommendations.scenario')}</th>
                <th scope="col">{t('compare.provider')}</th>
                <th scope="col">{t('compare.model')}</th>
                <th scope="col">{t('compare.credits')}</th>
                <th scope="col">{t('recommendations.rule')}</th>
              </tr>
            </thead>
            <tbody>
              {recs.map((r) => (
                <tr key={r.scenario} data-scenario={r.scenario}>
                  <th scope="row">{t(`recommendations.scenarios.${r.scenario}`)}</th>
                  {r.model ? (
                    <>
                      <td>{providerName(r.model.provider)}</td>
                      <td>{r.model.displayName}</td>
                      <td>{f.credits(r.model.credits)}</td>
                    </>
                  ) : (
                    <td colSpan={3} className="warn-text">
                      {t('recommendations.none')}
                    </td>
                  )}
                  <td>{t(`recommendations.rules.${r.rule}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
    </section>
  )
}
