import { useTranslation } from 'react-i18next'
import type { ModelView } from '../../../../shared/catalog-types'
import { AsyncView } from '../../components/AsyncView'
import { useFormat } from '../../i18n/format'
import { useSummary } from './use-summary'
import { providerName } from '../../lib/provider-name'

export function SummaryPage() {
  const { t } = useTranslation()
  const f = useFormat()
  const state = useSummary()
  const list = (models: ModelView[], testId: string) => (
    <ol data-testid={testId}>
      {models.map((m) => (
        <li key={m.key}>
          {providerName(m.provider)} {m.displayName}
          {': '}
          {f.credits(m.credits)}
        </li>
      ))}
    </ol>
  )
  return (
    <section aria-labelledby="summary-title">
      <h1 id="summary-title">{t('summary.title')}</h1>
      <AsyncView state={state}>
        {(s) => (
          <>
            <p className="intro">{t('summary.totalActive', { count: s.totalActive })}</p>
            <table data-testid="provider-summary">
              <thead>
                <tr>
                  <th scope="col">{t('compare.provider')}</th>
                  <th scope="col">{t('summary.activeModels')}</th>
                  <th scope="col">{t('summary.creditRange')}</th>
                  <th scope="col">{t('summary.hasFree')}</th>
                </tr>
              </thead>
              <tbody>
                {s.providers.map((p) => (
                  <tr key={p.provider}>
                    <th scope="row">{providerName(p.provider)}</th>
                    <td>{f.number(p.activeCount)}</td>
                    <td>
                      {p.credits ? t('summary.range', { min: f.number(p.credits.min), max: f.number(p.credits.max) }) : null}
                    </td>
                    <td>{p.hasFreeModel ? t('picker.free') : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="two-col">
              <div>
                <h2>{t('summary.cheapest')}</h2>
                {list(s.cheapest, 'cheapest')}
              </div>
              <div>
                <h2>{t('summary.mostExpensive')}</h2>
                {list(s.mostExpensive, 'most-expensive')}
              </div>
            </div>
          </>
        )}
      </AsyncView>
    </section>
  )
}
