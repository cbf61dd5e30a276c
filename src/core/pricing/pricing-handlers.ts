import type { HandlersOf } from '../../shared/contract'
import type { PricingService } from './pricing-service'

/** Pricing updates (preview, apply, undo) and one model's edit. */
export function pricingHandlers(pricing: PricingService): HandlersOf<'pricing'> {
  return {
    'pricing.preview': async ({ text }) => pricing.preview(text),
    'pricing.apply': async ({ text, confirmWarnings }) => pricing.apply(text, { confirmWarnings }),
    'pricing.history': async () => pricing.history(),
    'pricing.undo': async () => pricing.undo(),
    'pricing.set': async (edit) => pricing.setModel(edit),
  }
}
