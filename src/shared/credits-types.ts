import { z } from 'zod'
import { AppErrorShape, MessageParams } from './errors'

export const LedgerType = z.enum(['grant', 'charge', 'refund', 'top-up', 'adjustment'])
export type LedgerType = z.infer<typeof LedgerType>

/** The most credits one top-up adds: the contract refuses more, and the form says so before. */
export const MAX_TOP_UP = 1_000_000

/**
 * A reason the app wrote, as a key and values the page words in its own language (`reason` keeps
 * the English, for the CLI and for the chained hash). `error` is the failure a refund gave back
 * for, without its English message.
 */
export const LedgerWording = z.object({
  key: z.enum(['refund-error', 'refund-file', 'transcription']),
  params: MessageParams.default({}),
  error: AppErrorShape.omit({ message: true }).optional(),
})
export type LedgerWording = z.infer<typeof LedgerWording>
/** A ledger reason: English text, optionally with its wording. */
export type LedgerReason = string | { text: string; wording: LedgerWording }

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
  /** chained hash of the entry's fields: a hand-edited entry no longer verifies */
  hash: z.string().optional(),
})
export type LedgerEntry = z.infer<typeof LedgerEntry>

export const CreditsState = z.object({
  balance: z.number().int().nonnegative(),
  lowBalanceThreshold: z.number().int().nonnegative(),
  low: z.boolean(),
  ledgerEntries: z.number().int().nonnegative(),
  /** ledger entries that were edited outside the app; they do not count towards the balance */
  editedEntries: z.number().int().nonnegative().default(0),
})
export type CreditsState = z.infer<typeof CreditsState>
