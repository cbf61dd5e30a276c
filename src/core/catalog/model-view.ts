import { modelKey, type ModelRecord, type ModelView } from '../../shared/catalog-types'
import { creditsFor, formatMultiplier } from './credits-math'
import { providerFacts } from './provider-facts'

export function toModelView(m: ModelRecord, baseCredits: number): ModelView {
  const facts = providerFacts[m.provider]
  const credits = creditsFor(m.multiplierTenths, baseCredits)
  return {
    ...m,
    key: modelKey(m),
    credits,
    multiplier: formatMultiplier(m.multiplierTenths),
    free: credits === 0,
    speedTier: facts.speedTier,
    freeTierRpm: facts.freeTierRpm,
  }
}

/** Enhancement-usable models: active and a chat model. */
export function isUsable(m: ModelRecord): boolean {
  return m.active && m.kind === 'chat'
}

export function byCreditsThenName(a: ModelView, b: ModelView): number {
  return a.credits - b.credits || a.displayName.localeCompare(b.displayName)
}
