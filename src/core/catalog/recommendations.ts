import type { ModelView, Recommendation, RecommendationRule, Scenario } from '../../shared/catalog-types'
import { tokensPerSec as speedFigure } from '../../shared/model-sort'

/**
 * The seed's scenarios, each turned into a rule over the catalog's own fields. The rules are
 * the editorial part (which scenario wants cheap, fast or strong, and that price stands in for
 * strength); the models are computed, so a catalog change changes them. The seed's table picks
 * among Groq and Together, so the rules do too.
 */
export const scenarioRules: { scenario: Scenario; rule: RecommendationRule }[] = [
  { scenario: 'instantChat', rule: 'cheapestWithSpeed' },
  { scenario: 'quickEnhancement', rule: 'fastest' },
  { scenario: 'professionalWork', rule: 'strongestWithSpeed' },
  { scenario: 'freeTesting', rule: 'free' },
  { scenario: 'batchProcessing', rule: 'cheapestNoMinuteLimit' },
  { scenario: 'research', rule: 'strongestReasoning' },
]

const RECOMMENDED_PROVIDERS = new Set(['groq', 'together'])

const byName = (a: ModelView, b: ModelView) => a.displayName.localeCompare(b.displayName) || a.key.localeCompare(b.key)
const cheapest = (a: ModelView, b: ModelView) => a.credits - b.credits || byName(a, b)
const dearest = (a: ModelView, b: ModelView) => b.credits - a.credits || byName(a, b)
const fastest = (a: ModelView, b: ModelView) => (speedFigure(b) ?? 0) - (speedFigure(a) ?? 0) || cheapest(a, b)

const rules: Record<RecommendationRule, (list: ModelView[]) => ModelView[]> = {
  cheapestWithSpeed: (l) => l.filter((m) => !m.free && speedFigure(m) !== null).sort(cheapest),
  fastest: (l) => l.filter((m) => speedFigure(m) !== null).sort(fastest),
  strongestWithSpeed: (l) => l.filter((m) => m.reasoning && speedFigure(m) !== null).sort(dearest),
  free: (l) => l.filter((m) => m.free).sort((a, b) => b.contextTokens - a.contextTokens || byName(a, b)),
  cheapestNoMinuteLimit: (l) => l.filter((m) => !m.free && m.freeTierRpm === null).sort(cheapest),
  strongestReasoning: (l) => l.filter((m) => m.reasoning && m.flagship).sort(dearest),
}

/** Each scenario's model by its rule over the active chat models passed in; null when none fits. */
export function recommend(active: ModelView[]): Recommendation[] {
  const pool = active.filter((m) => RECOMMENDED_PROVIDERS.has(m.provider) && m.kind === 'chat' && !m.unavailable)
  return scenarioRules.map(({ scenario, rule }) => ({ scenario, rule, model: rules[rule](pool)[0] ?? null }))
}
