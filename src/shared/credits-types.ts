import { z } from 'zod'

export const LedgerType = z.enum(['grant', 'charge', 'refund', 'top-up', 'adjustment'])
export type LedgerType = z.infer<typeof LedgerType>

/** One append-only ledger line. `amount` is signed; `balanceAfter` is the running sum. */
export const LedgerEntry = z.object({
  id: z.string(),
  at: z.string(),
  type: LedgerType,
  amount: z.number().int(),
  balanceAfter: z.number().int().nonnegative(),
  reason: z.string(),
  ref: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
})
export type LedgerEntry = z.infer<typeof LedgerEntry>

export const CreditsState = z.object({
  balance: z.number().int().nonnegative(),
  lowBalanceThreshold: z.number().int().nonnegative(),
  low: z.boolean(),
  ledgerEntries: z.number().int().nonnegative(),
})
export type CreditsState = z.infer<typeof CreditsState>
