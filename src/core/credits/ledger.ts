import { randomUUID } from 'node:crypto'
import type { LedgerEntry, LedgerType } from '../../shared/credits-types'
import type { Db } from '../store/db-schema'

export function balanceOf(db: Pick<Db, 'credits'>): number {
  return db.credits.ledger.at(-1)?.balanceAfter ?? 0
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
  const entry: LedgerEntry = {
    id: randomUUID(),
    at: new Date().toISOString(),
    type,
    amount,
    balanceAfter,
    reason,
    ...(extra.ref !== undefined ? { ref: extra.ref } : {}),
    ...(extra.details !== undefined ? { details: extra.details } : {}),
  }
  db.credits.ledger.push(entry)
  return entry
}
