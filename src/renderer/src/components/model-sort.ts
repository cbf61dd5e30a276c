import type { ModelView, ProviderId } from '../../../shared/catalog-types'

export type SortKey = 'credits' | 'speed' | 'name'

/** Fastest first: a published tokens/s figure, then the provider's tier, then price. */
function speedScore(m: ModelView): number {
  return (m.measured?.tokensPerSec ?? m.publishedTokensPerSec ?? 0) + (m.speedTier === 'ultra-fast' ? 100 : 0)
}

export function sortModels(models: ModelView[], key: SortKey): ModelView[] {
  const list = [...models]
  if (key === 'credits') list.sort((a, b) => a.credits - b.credits || a.displayName.localeCompare(b.displayName))
  if (key === 'name') list.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.provider.localeCompare(b.provider))
  if (key === 'speed') list.sort((a, b) => speedScore(b) - speedScore(a) || a.credits - b.credits)
  return list
}

export function filterModels(models: ModelView[], query: string, provider: ProviderId | 'all'): ModelView[] {
  const q = query.trim().toLowerCase()
  return models.filter(
    (m) =>
      (provider === 'all' || m.provider === provider) &&
      (q === '' || m.displayName.toLowerCase().includes(q) || m.modelId.toLowerCase().includes(q)),
  )
}

/** Groups in a fixed provider order, each group keeping the sort order within it. */
export function groupByProvider(models: ModelView[]): { provider: ProviderId; models: ModelView[] }[] {
  const order: ProviderId[] = ['custom', 'groq', 'together', 'openai', 'gemini']
  return order
    .map((provider) => ({ provider, models: models.filter((m) => m.provider === provider) }))
    .filter((g) => g.models.length > 0)
}
