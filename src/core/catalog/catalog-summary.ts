import type { CatalogSummary, ModelView } from '../../shared/catalog-types'
import { cloudProviderIds } from '../../shared/providers'
import { byCreditsThenName } from './model-view'

export function summarize(active: ModelView[]): CatalogSummary {
  const sorted = [...active].sort(byCreditsThenName)
  return {
    totalActive: active.length,
    providers: cloudProviderIds.map((provider) => {
      const mine = active.filter((m) => m.provider === provider)
      const credits = mine.map((m) => m.credits)
      return {
        provider,
        activeCount: mine.length,
        credits: mine.length ? { min: Math.min(...credits), max: Math.max(...credits) } : null,
        hasFreeModel: mine.some((m) => m.free),
      }
    }),
    cheapest: sorted.slice(0, 3),
    mostExpensive: sorted.slice(-3).reverse(),
  }
}
