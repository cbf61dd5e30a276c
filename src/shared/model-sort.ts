import type { ModelView, ProviderId } from './catalog-types'
import { providers } from './providers'

export type SortKey = 'credits' | 'speed' | 'name' | 'provider'

/**
 * The best speed figure we have: this machine's own measurement, else the published one. The
 * picker sorts on it and the recommendation rules read it.
 */
export function tokensPerSec(m: ModelView): number | null {
  return m.measured?.tokensPerSec ?? m.publishedSpeed?.tokensPerSec ?? null
}

/** Fastest first on the figures alone (measured, then published); models without any figure last. */
function speedScore(m: ModelView): number {
  return tokensPerSec(m) ?? -1
}

/** One order over every provider's models, so the cheapest or fastest model overall comes first. */
export function sortModels(models: ModelView[], key: SortKey): ModelView[] {
  const list = [...models]
  const byName = (a: ModelView, b: ModelView) =>
    a.displayName.localeCompare(b.displayName) || a.provider.localeCompare(b.provider)
  if (key === 'credits') list.sort((a, b) => a.credits - b.credits || byName(a, b))
  if (key === 'name') list.sort(byName)
  if (key === 'speed') list.sort((a, b) => speedScore(b) - speedScore(a) || a.credits - b.credits || byName(a, b))
  if (key === 'provider')
    list.sort(
      (a, b) => providers[a.provider].sortOrder - providers[b.provider].sortOrder || a.credits - b.credits || byName(a, b),
    )
  return list
}

/** Every word must match the name, the id or the provider, in any order: "qwen3 thinking" finds "Qwen3 235B Thinking". */
export function filterModels(
  models: ModelView[],
  query: string,
  provider: ProviderId | 'all',
  providerName: (p: ProviderId) => string = (p) => p,
): ModelView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  return models.filter((m) => {
    if (provider !== 'all' && m.provider !== provider) return false
    const haystack = `${m.displayName} ${m.modelId} ${m.provider} ${providerName(m.provider)}`.toLowerCase()
    return words.every((w) => haystack.includes(w))
  })
}
