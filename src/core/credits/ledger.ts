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
  /** the sum of every entry that verifies (never below 0) */
  balance: number
  /** indexes of entries whose hash does not match their content or place */
  edited: number[]
}

// Verifying is linear in the ledger; a ledger array is never changed in place once saved (every
// change works on a fresh draft), so one check per array is enough.
const checked = new WeakMap<LedgerEntry[], LedgerCheck>()

export function checkLedger(ledger: LedgerEntry[]): LedgerCheck {
  const hit = checked.get(ledger)
  if (hit) return hit
  let sum = 0
  const edited: number[] = []
  let prev = ''
  ledger.forEach((e, i) => {
    if (e.hash !== undefined && e.hash === entryHash(prev, e)) sum += e.amount
    else edited.push(i)
    prev = e.hash ?? ''
  })
  const result = { balance: Math.max(0, sum), edited }
  checked.set(ledger, result)
  return result
}

/** The balance is the sum of the ledger's verified entries, not a number stored anywhere. */
export function balanceOf(db: Pick<Db, 'credits'>): number {
  return checkLedger(db.credits.ledger).balance
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
