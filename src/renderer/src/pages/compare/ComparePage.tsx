import { useTranslation } from 'react-i18next'
import type { CompareReport, FeatureRow } from '../../../../shared/catalog-types'
import { AsyncView } from '../../components/AsyncView'
import { Badge } from '../../components/Badge'
import { Speed } from '../../components/ModelRow'
import { useFormat } from '../../i18n/format'
import { useCompare } from './use-compare'
import { providerName } from '../../lib/provider-name'

export function ComparePage() {
  const { t } = useTranslation()
  const f = useFormat()
  const state = useCompare()
  // a published range's date is a month: said in the UI's language
  const cell = (side: FeatureRow['groq']) =>
    t(side.key, typeof side.values.date === 'string' ? { ...side.values, date: f.publishedOn(side.values.date) } : side.values)
  return (
    <section aria-labelledby="compare-title">
      <h1 id="compare-title">{t('compare.title')}</h1>
      <AsyncView state={state}>
        {(r) => (
          <>
            <BottomLine report={r} />
            <h2>{t('compare.sameModels')}</h2>
            <table data-testid="same-model-pairs">
              <thead>
                <tr>
                  <th scope="col">{t('compare.model')}</th>
                  <th scope="col">{providerName('groq')}</th>
                  <th scope="col">{providerName('together')}</th>
                  <th scope="col">{t('compare.difference')}</th>
                </tr>
              </thead>
              <tbody>
                {r.sameModelPairs.map((p) => (
                  <tr key={p.modelId}>
                    <th scope="row">{p.displayName}</th>
                    <td data-testid="groq-credits">{f.credits(p.groq.credits)}</td>
                    <td data-testid="together-credits">{f.credits(p.together.credits)}</td>
                    <td>
                      {p.difference === 0
                        ? t('compare.same')
                        : p.difference < 0
                          ? t('compare.groqCheaperBy', { amount: f.credits(-p.difference) })
                          : t('compare.groqDearerBy', { amount: f.credits(p.difference) })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>

            <h2>{t('compare.familyTitle', { name: r.family.name })}</h2>
            <table data-testid="family">
              <thead>
                <tr>
                  <th scope="col">{t('compare.model')}</th>
                  <th scope="col">{t('compare.provider')}</th>
                  <th scope="col">{t('compare.credits')}</th>
                  <th scope="col">{t('compare.speed')}</th>
                </tr>
              </thead>
              <tbody>
                {r.family.models.map((m) => (
                  <tr key={m.key}>
                    <th scope="row">{m.displayName}</th>
                    <td>{providerName(m.provider)}</td>
                    <td data-testid="family-credits">
                      {f.credits(m.credits)} {m.free ? <Badge tone="free">{t('picker.free')}</Badge> : null}
                    </td>
                    <td data-testid="family-speed">
                      <Speed model={m} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {r.family.groqVsTogether ? (
              <p className="verdict" data-testid="family-verdict">
                {r.family.groqVsTogether.percentCheaper > 0
                  ? t('compare.familyVerdict', {
                      groq: r.family.groqVsTogether.groq.displayName,
                      together: r.family.groqVsTogether.together.displayName,
                      percent: r.family.groqVsTogether.percentCheaper,
                    })
                  : t('compare.familyVerdictNot', {
                      groq: r.family.groqVsTogether.groq.displayName,
                      together: r.family.groqVsTogether.together.displayName,
                    })}
              </p>
            ) : null}

            <h2>{t('compare.featuresTitle')}</h2>
            <table data-testid="features">
              <thead>
                <tr>
                  <th scope="col">{t('compare.aspect')}</th>
                  <th scope="col">{providerName('groq')}</th>
                  <th scope="col">{providerName('together')}</th>
                </tr>
              </thead>
              <tbody>
                {r.features.map((row) => (
                  <tr key={row.aspect}>
                    <th scope="row">{t(`compare.aspects.${row.aspect}`)}</th>
                    <td>{cell(row.groq)}</td>
                    <td>{cell(row.together)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </AsyncView>
    </section>
  )
}

/**
 * The answer first: the cheapest way to run the compared family (a free model counts), the
 * cheapest paid option on each side, and speed against range — every figure from the report.
 */
function BottomLine({ report: r }: { report: CompareReport }) {
  const { t } = useTranslation()
  const free = r.family.models.find((m) => m.free)
  const paid = r.family.groqVsTogether
  const fact = (aspect: FeatureRow['aspect']) => r.features.find((row) => row.aspect === aspect)
  const counts = fact('modelCount')
  return (
    <div className="card" data-testid="bottom-line">
      <h2>{t('compare.bottomLine')}</h2>
      <ul>
        {free ? (
          <li>
            {t('compare.bottomFree', {
              family: r.family.name,
              model: free.displayName,
              provider: providerName(free.provider),
            })}
          </li>
        ) : null}
        {paid ? (
          <li>
            {paid.percentCheaper > 0
              ? t('compare.bottomPaid', {
                  groq: paid.groq.displayName,
                  together: paid.together.displayName,
                  percent: paid.percentCheaper,
                })
              : t('compare.bottomPaidNot', { groq: paid.groq.displayName, together: paid.together.displayName })}
          </li>
        ) : null}
        {counts ? (
          <li>
            {t('compare.bottomChooseRange', {
              groqCount: counts.groq.values.count,
              togetherCount: counts.together.values.count,
            })}
          </li>
        ) : null}
      </ul>
    </div>
  )
}
