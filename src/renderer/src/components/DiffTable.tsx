import { useTranslation } from 'react-i18next'
import { modelKey } from '../../../shared/catalog-types'
import type { DiffLine } from '../../../shared/pricing-types'
import { useFormat } from '../i18n/format'

const order: DiffLine['group'][] = ['cheaper', 'dearer', 'kept', 'deactivated', 'activated', 'added', 'edited']

/** A pricing change grouped the way the seed groups it, before → after with the percentage. */
export function DiffTable({ lines, testId }: { lines: DiffLine[]; testId?: string }) {
  const { t } = useTranslation()
  const f = useFormat()
  const describe = (l: DiffLine) => {
    if ((l.group === 'cheaper' || l.group === 'dearer') && l.multiplierBefore !== null && l.creditsBefore !== null) {
      const change = t('pricing.change', {
        from: f.multiplier(l.multiplierBefore),
        to: f.multiplier(l.multiplierAfter),
        creditsFrom: f.number(l.creditsBefore),
        creditsTo: f.credits(l.creditsAfter),
      })
      const pct = t(l.group === 'cheaper' ? 'pricing.cheaperBy' : 'pricing.dearerBy', { percent: Math.abs(l.percent ?? 0) })
      return `${change} · ${pct}`
    }
    return t('pricing.now', { multiplier: f.multiplier(l.multiplierAfter), credits: f.credits(l.creditsAfter) })
  }
  return (
    <div data-testid={testId}>
      {order.map((group) => {
        const mine = lines.filter((l) => l.group === group)
        if (!mine.length) return null
        return (
          <div key={group} className="diff-group" data-group={group}>
            <h3>{t(`pricing.groups.${group}`)}</h3>
            <ul>
              {mine.map((l) => (
                <li key={modelKey(l)}>
                  <strong>{l.displayName}</strong> <code className="model-id">{modelKey(l)}</code>{' '}
                  <span data-testid="diff-change">{describe(l)}</span>
                  {l.note ? <span className="muted">{` — ${l.note}`}</span> : null}
                  {l.enhancementOnly ? (
                    <span className="notice" data-testid="diff-enhancement-only">
                      {' '}
                      {t('pricing.enhancementOnly', { credits: t('cloud.perMinuteShort', { count: l.creditsAfter }) })}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        )
      })}
    </div>
  )
}
