import type { HandlersOf } from '../../shared/contract'
import type { CreditsService } from './credits-service'

/** The balance, its ledger and top-ups. */
export function creditsHandlers(credits: CreditsService): HandlersOf<'credits'> {
  return {
    'credits.get': async () => credits.state(),
    'credits.history': async ({ page, pageSize }) => credits.history(page, pageSize),
    'credits.topUp': async ({ amount, reason, requestId }) => credits.topUp(amount, reason, requestId),
  }
}
