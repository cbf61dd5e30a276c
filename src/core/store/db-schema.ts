import { z } from 'zod'
import { ModelRecord } from '../../shared/catalog-types'
import { SavedPrompt, SpeedSample } from '../../shared/enhance-types'
import { LedgerEntry } from '../../shared/credits-types'
import { PricingHistoryEntry } from '../../shared/pricing-types'
import { BenchResult } from '../../shared/calls/hardware-calls'
import { Settings } from '../../shared/settings-types'

export const CURRENT_SCHEMA_VERSION = 9

/** The process that runs a piece of work; start-up recovery touches only work whose owner is gone. */
export const Owner = z.object({ instance: z.string(), pid: z.number().int(), host: z.string() })
export type Owner = z.infer<typeof Owner>

export const Reservation = z.object({
  id: z.string(),
  at: z.string(),
  cost: z.number().int().nonnegative(),
  ref: z.string(),
  status: z.enum(['pending', 'committed', 'refunded']),
  chargeEntryId: z.string().nullable(),
  /** null: written before owners were recorded (treated as gone) */
  owner: Owner.nullable(),
})
export type Reservation = z.infer<typeof Reservation>

export const DbSchema = z.object({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  settings: Settings,
  catalog: z.object({
    /** which bundled catalog the user's copy was last merged from */
    bundledVersion: z.string(),
    models: z.array(ModelRecord),
    /** the bundled catalog as last merged: the base of the three-way merge on app upgrades */
    bundleBase: z.array(ModelRecord),
  }),
  /** applied pricing updates and edits, oldest first; `before` makes undo exact */
  pricingHistory: z.array(PricingHistoryEntry.extend({ before: z.array(ModelRecord) })),
  /** rolling samples of this machine's own runs, per model key */
  speedStats: z.record(z.string(), z.array(SpeedSample)),
  /** models a provider answered 404 for, per model key */
  unavailableModels: z.record(z.string(), z.object({ at: z.string(), message: z.string() })),
  /** the local server's model list, as last read from its /models */
  customModels: z.array(z.string()),
  savedPrompts: z.array(SavedPrompt),
  // jobs, the transcript index, watched files and the enhancement index grow with every file: they
  // live in library.db (see LibraryDb), so a top-up or a job's change of state does not rewrite them all
  /**
   * Owners of work kept in db.json. Since schema 9 there is none (a reservation names its own
   * owner; the work it pays for is in library.db with its owner there), so this stays `{}`; it is
   * kept rather than dropped so the files and tools that read it need no other change.
   */
  owners: z.record(z.string(), Owner),
  // --- hardware ---
  /** "Test this computer": the measured speeds per machine (a data folder can be shared) */
  hardware: z.record(z.string(), z.object({ bench: z.array(BenchResult) })).default({}),
  credits: z.object({
    ledger: z.array(LedgerEntry),
    reservations: z.array(Reservation),
  }),
})
export type Db = z.infer<typeof DbSchema>
export type PricingHistoryRecord = Db['pricingHistory'][number]
