import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { useFormat } from '../../i18n/format'
import { useRecommendations } from './use-recommendations'

export function RecommendationsPage() {
  const { t } = useTranslation()
  const f = useFormat()
  const state = useRecommendations()
  return (
    <section aria-labelledby="rec-title">
      <h1 id="rec-title">{t('recommendations.title')}</h1>
      <p className="intro">{t('recommendations.intro')}</p>
      <AsyncView state={state}>
        {(recs) => (
          <table data-testid="recommendations">
            <thead>
              <tr>
                <th scope="col">{t('recommendations.scenario')}</th>
                <th scope="col">{t('compare.provider')}</th>
                <th scope="col">{t('compare.model')}</th>
                <th scope="col">{t('compare.credits')}</th>
                <th scope="col">{t('recommendations.why')}</th>
              </tr>
            </thead>
            <tbody>
              {recs.map((r) => (
                <tr key={r.scenario}>
                  <th scope="row">{t(`recommendations.scenarios.${r.scenario}`)}</th>
                  <td>{t(`providers.${r.ref.provider}`)}</td>
                  {r.model ? (
                    <>
                      <td>{r.model.displayName}</td>
                      <td>{f.credits(r.model.credits)}</td>
                    </>
                  ) : (
                    <td colSpan={2} className="warn-text">
                      {t('recommendations.missing', { ref: r.ref.modelId })}
                    </td>
                  )}
                  <td>{t(`recommendations.reasons.${r.reason}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
    </section>
  )
}
