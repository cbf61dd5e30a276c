import type { CompareReport, FeatureRow, ModelView } from '../../shared/catalog-types'
import { percentChange } from './credits-math'
import { providers } from '../../shared/providers'

/** The family the seed compares across providers, matched by display name, not by hard-coded ids. */
export const COMPARED_FAMILY = 'Llama 3.3 70B'

/**
 * A provider's speed as the figures say it: the range of its published tokens/s with the
 * source and date, or "not published". No factor: nobody published one.
 */
function speedSide(list: ModelView[]): FeatureRow['groq'] {
  const published = list.flatMap((m) => (m.publishedSpeed ? [m.publishedSpeed] : []))
  if (!published.length) return { key: 'compare.notPublished', values: {} }
  const figures = published.map((p) => p.tokensPerSec)
  const newest = [...published].sort((a, b) => b.date.localeCompare(a.date))[0]!
  return {
    key: 'compare.publishedRange',
    values: { min: Math.min(...figures), max: Math.max(...figures), source: newest.source, date: newest.date },
  }
}

/** Groq vs Together, every number derived from the active catalog passed in. */
export function compareGroqTogether(active: ModelView[]): CompareReport {
  const groq = active.filter((m) => m.provider === 'groq')
  const together = active.filter((m) => m.provider === 'together')

  const sameModelPairs = groq.flatMap((g) => {
    const t = together.find((m) => m.modelId === g.modelId)
    return t ? [{ modelId: g.modelId, displayName: g.displayName, groq: g, together: t, difference: g.credits - t.credits }] : []
  })

  const family = active
    .filter((m) => (m.provider === 'groq' || m.provider === 'together') && m.displayName.startsWith(COMPARED_FAMILY))
    .sort((a, b) => b.credits - a.credits)
  const cheapestPaid = (list: ModelView[]) => list.filter((m) => !m.free).sort((a, b) => a.credits - b.credits)[0]
  const g = cheapestPaid(family.filter((m) => m.provider === 'groq'))
  const t = cheapestPaid(family.filter((m) => m.provider === 'together'))
  const groqVsTogether = g && t ? { groq: g, together: t, percentCheaper: 0 - percentChange(t.credits, g.credits) || 0 } : null

  const groqNeverDearer =
    sameModelPairs.every((p) => p.difference <= 0) && (!groqVsTogether || groqVsTogether.percentCheaper >= 0)
  const names = (list: ModelView[]) => list.map((m) => m.displayName).join(', ')
  const free = (list: ModelView[]) => list.filter((m) => m.free)
  const flagships = (list: ModelView[]) => list.filter((m) => m.flagship)
  const side = (key: string, values: Record<string, string | number> = {}) => ({ key, values })
  const listOrNone = (list: ModelView[]) => (list.length ? side('compare.list', { names: names(list) }) : side('compare.none'))

  const features: FeatureRow[] = [
    { aspect: 'speed', groq: speedSide(groq), together: speedSide(together) },
    {
      aspect: 'price',
      groq: side(groqNeverDearer ? 'compare.sameOrCheaper' : 'compare.mixedPrice'),
      // Together's side of the same comparison, and its free models: a price is a price, not "variety"
      together: free(together).length
        ? side(groqNeverDearer ? 'compare.sameOrDearerWithFree' : 'compare.mixedPriceWithFree', {
            names: names(free(together)),
          })
        : side(groqNeverDearer ? 'compare.sameOrDearer' : 'compare.mixedPrice'),
    },
    {
      aspect: 'modelCount',
      groq: side('compare.count', { count: groq.length }),
      together: side('compare.count', { count: together.length }),
    },
    {
      aspect: 'rateLimit',
      groq: providers.groq.freeTierRpm
        ? side('compare.rpm', { rpm: providers.groq.freeTierRpm })
        : side(providers.groq.rateLimitKey),
      together: side(providers.together.rateLimitKey),
    },
    { aspect: 'bestFor', groq: side(providers.groq.bestForKey), together: side(providers.together.bestForKey) },
    { aspect: 'freeModels', groq: listOrNone(free(groq)), together: listOrNone(free(together)) },
    { aspect: 'flagshipModels', groq: listOrNone(flagships(groq)), together: listOrNone(flagships(together)) },
  ]

  return { sameModelPairs, family: { name: COMPARED_FAMILY, models: family, groqVsTogether }, features }
}
