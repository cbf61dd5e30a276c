import { randomUUID } from 'node:crypto'
import type { CreditsState, LedgerEntry } from '../../shared/credits-types'
import { AppError } from '../../shared/errors'
import type { Reservation } from '../store/db-schema'
import type { Store } from '../store/store'
import { append, balanceOf } from './ledger'

/**
 * Balance plus append-only ledger. Work that costs credits follows reserve → commit | refund:
 * the reservation is charged at once (so two jobs cannot spend the same credits) and given
 * back if the work fails, is cancelled or was interrupted by a crash.
 */
export class CreditsService {
  constructor(
    private readonly store: Store,
    private readonly onChange: (state: CreditsState) => void = () => undefined,
  ) {}

  state(): CreditsState {
    const db = this.store.data
    const balance = balanceOf(db)
    const threshold = db.settings.lowBalanceThreshold
    return { balance, lowBalanceThreshold: threshold, low: balance < threshold, ledgerEntries: db.credits.ledger.length }
  }

  history(page: number, pageSize: number): { entries: LedgerEntry[]; total: number } {
    const ledger = this.store.data.credits.ledger
    const newestFirst = [...ledger].reverse()
    return { entries: newestFirst.slice(page * pageSize, page * pageSize + pageSize), total: ledger.length }
  }

  async topUp(amount: number, reason: string): Promise<CreditsState> {
    requirePositive(amount)
    await this.store.mutate((db) => append(db, 'top-up', amount, reason || 'Top-up'))
    return this.changed()
  }

  /** Set the balance to `target` with one adjustment entry (used by support and tests). */
  async adjustTo(target: number, reason: string): Promise<CreditsState> {
    if (!Number.isInteger(target) || target < 0) throw new AppError('invalid-input', 'Balance must be a whole number ≥ 0')
    await this.store.mutate((db) => append(db, 'adjustment', target - balanceOf(db), reason))
    return this.changed()
  }

  async reserve(cost: number, ref: string, reason: string): Promise<Reservation> {
    if (!Number.isInteger(cost) || cost < 0) throw new AppError('invalid-input', `Cost must be whole credits, got ${cost}`)
    const reservation = await this.store.mutate((db) => {
      const balance = balanceOf(db)
      if (cost > balance) {
        throw new AppError(
          'insufficient-credits',
          `This needs ${cost} credits and the balance is ${balance}. Top up on the Credits page or pick a cheaper model.`,
        )
      }
      // A free model leaves no ledger line: nothing was spent.
      const charge = cost > 0 ? append(db, 'charge', -cost, reason, { ref }) : null
      const r: Reservation = {
        id: randomUUID(),
        at: new Date().toISOString(),
        cost,
        ref,
        status: 'pending',
        chargeEntryId: charge?.id ?? null,
      }
      db.credits.reservations.push(r)
      return r
    })
    if (cost > 0) this.changed()
    return reservation
  }

  async commit(reservationId: string, details: Record<string, unknown> = {}): Promise<void> {
    await this.store.mutate((db) => {
      const r = pending(db.credits.reservations, reservationId)
      r.status = 'committed'
      const entry = db.credits.ledger.find((e) => e.id === r.chargeEntryId)
      // The charge line gains what the work reported (tokens, duration); its amount never changes.
      if (entry) entry.details = { ...entry.details, ...details }
    })
  }

  async refund(reservationId: string, reason: string): Promise<void> {
    const refunded = await this.store.mutate((db) => {
      const r = pending(db.credits.reservations, reservationId)
      r.status = 'refunded'
      if (r.cost > 0) append(db, 'refund', r.cost, reason, { ref: r.ref })
      return r.cost
    })
    if (refunded > 0) this.changed()
  }

  /** Give back what a crash left reserved; run once at start-up. */
  async refundInterrupted(): Promise<number> {
    const open = this.store.data.credits.reservations.filter((r) => r.status === 'pending')
    for (const r of open) await this.refund(r.id, 'Refund: work interrupted before it finished')
    return open.length
  }

  private changed(): CreditsState {
    const s = this.state()
    this.onChange(s)
    return s
  }
}

function pending(list: Reservation[], id: string): Reservation {
  const r = list.find((x) => x.id === id)
  if (!r) throw new AppError('not-found', `No reservation ${id}`)
  if (r.status !== 'pending') throw new AppError('invalid-input', `Reservation ${id} is already ${r.status}`)
  return r
}

function requirePositive(amount: number): void {
  if (!Number.isInteger(amount) || amount <= 0)
    throw new AppError('invalid-input', 'Amount must be a whole number of credits above 0')
}
