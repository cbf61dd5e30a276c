import { createHash, randomUUID } from 'node:crypto'
import type { LedgerEntry, LedgerType } from '../../shared/credits-types'
import type { Db } from '../store/db-schema'

/**
 * Each entry carries a hash of its own fields chained to the previous entry's hash, so an entry
 * edited, inserted or removed by hand in db.json no longer verifies. `details` is left out: the
 * charge line gains what the work reported (tokens, duration) after it was written. This
 * detects hand edits; it is not a defence against someone who recomputes the chain on purpose
 * (the data folder is the user's own).
 */
export function entryHash(prevHash: string, e: Omit<LedgerEntry, 'hash' | 'details'>): string {
  const fields = [e.id, e.at, e.type, e.amount, e.balanceAfter, e.reason, e.ref ?? null]
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(fields)).digest('hex')
}

export interface LedgerCheck {
  /** what the balance is, trusting only what verifies (never below 0) */
  balance: number
  /** entries whose hash does not match their content or place, plus charges that were removed */
  edited: number
}

type Credits = Pick<Db['credits'], 'ledger' | 'reservations'>

// Verifying is linear in the ledger; a ledger array is never changed in place once saved (every
// change works on a fresh draft), so one check per ledger (and reservation list) is enough.
const checked = new WeakMap<LedgerEntry[], { reservations: Credits['reservations']; result: LedgerCheck }>()

/**
 * The balance from what can be trusted. Each entry's `balanceAfter` is part of its hash, so the
 * last entry that verifies states the balance at its time, whatever was done to entries before
 * it. Entries after it that do not verify can only take credits away: a charge still counts (at
 * least what its reservation reserved), a top-up or grant edited in by hand does not. A charge
 * a reservation names but the ledger no longer holds (removed by hand) is still charged.
 */
export function checkLedger(credits: Credits): LedgerCheck {
  const { ledger, reservations } = credits
  const hit = checked.get(ledger)
  if (hit && hit.reservations === reservations) return hit.result
  const reserved = new Map(reservations.filter((r) => r.chargeEntryId).map((r) => [r.chargeEntryId!, r.cost]))
  let prev = ''
  let lastVerified = -1
  let edited = 0
  ledger.forEach((e, i) => {
    if (e.hash !== undefined && e.hash === entryHash(prev, e)) lastVerified = i
    else edited++
    prev = e.hash ?? ''
  })
  let balance = lastVerified >= 0 ? ledger[lastVerified]!.balanceAfter : 0
  for (const e of ledger.slice(lastVerified + 1)) {
    const charged = e.type === 'charge' ? Math.max(reserved.get(e.id) ?? 0, -e.amount) : -e.amount
    balance -= Math.max(0, charged)
  }
  const present = new Set(ledger.map((e) => e.id))
  for (const [id, cost] of reserved)
    if (!present.has(id)) {
      balance -= cost
      edited++
    }
  const result = { balance: Math.max(0, balance), edited }
  checked.set(ledger, { reservations, result })
  return result
}

/** The balance is what the ledger proves, not a number stored anywhere. */
export function balanceOf(db: Pick<Db, 'credits'>): number {
  return checkLedger(db.credits).balance
}

/** Chain hashes onto entries that have none (documents from before the chain existed). */
export function chainLedger(ledger: LedgerEntry[]): LedgerEntry[] {
  let prev = ''
  return ledger.map((e) => {
    const hash = e.hash ?? entryHash(prev, e)
    prev = hash
    return { ...e, hash }
  })
}

/** Append one entry; the only place balances change. Refuses to go below zero. */
export function append(
  db: Db,
  type: LedgerType,
  amount: number,
  reason: string,
  extra: { ref?: string; details?: Record<string, unknown> } = {},
): LedgerEntry {
  if (!Number.isInteger(amount)) throw new Error(`Ledger amounts are whole credits, got ${amount}`)
  const balanceAfter = balanceOf(db) + amount
  if (balanceAfter < 0) throw new Error('Ledger would go negative')
  const fields = {
    id: randomUUID(),
    at: new Date().toISOString(),
    type,
    amount,
    balanceAfter,
    reason,
    ...(extra.ref !== undefined ? { ref: extra.ref } : {}),
  }
  const entry: LedgerEntry = {
    ...fields,
    ...(extra.details !== undefined ? { details: extra.details } : {}),
    hash: entryHash(db.credits.ledger.at(-1)?.hash ?? '', fields),
  }
  // a new array: the verified-balance cache is keyed by array identity
  db.credits.ledger = [...db.credits.ledger, entry]
  return entry
}
