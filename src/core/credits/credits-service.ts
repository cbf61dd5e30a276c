import { randomUUID } from 'node:crypto'
import type { CreditsState, LedgerEntry, LedgerReason } from '../../shared/credits-types'
import { AppError } from '../../shared/errors'
import type { Db, Owner, Reservation } from '../store/db-schema'
import type { Store } from '../store/store'
import { append, balanceOf, checkLedger } from './ledger'

/**
 * Balance plus append-only ledger. Work that costs credits follows reserve → commit | refund:
 * the reservation is charged at once (so two jobs cannot spend the same credits) and given
 * back if the work fails, is cancelled or was interrupted by a crash.
 */
export class CreditsService {
  constructor(
    private readonly store: Store,
    private readonly onChange: (state: CreditsState) => void = () => undefined,
    /** the process that owns the work it reserves for (null: nobody can tell, e.g. a test) */
    private readonly owner: Owner | null = null,
  ) {}

  state(): CreditsState {
    const db = this.store.data
    const { balance, edited } = checkLedger(db.credits)
    const threshold = db.settings.lowBalanceThreshold
    return {
      balance,
      lowBalanceThreshold: threshold,
      low: balance < threshold,
      ledgerEntries: db.credits.ledger.length,
      editedEntries: edited,
    }
  }

  history(page: number, pageSize: number): { entries: LedgerEntry[]; total: number } {
    const ledger = this.store.data.credits.ledger
    const newestFirst = [...ledger].reverse()
    return { entries: newestFirst.slice(page * pageSize, page * pageSize + pageSize), total: ledger.length }
  }

  /**
   * Add credits. `requestId` makes a retry safe: a top-up whose answer was lost (the window
   * closed, the write's reply never came) and is sent again with the same id is applied once.
   */
  async topUp(amount: number, reason: string, requestId?: string): Promise<CreditsState> {
    requirePositive(amount)
    await this.store.mutate((db) => {
      const earlier = requestId
        ? db.credits.ledger.find((e) => e.type === 'top-up' && e.details?.requestId === requestId)
        : undefined
      if (earlier && earlier.amount !== amount)
        throw new AppError(
          'invalid-input',
          `Request id ${requestId} was already used for a top-up of ${earlier.amount} credits; use a new id for a new top-up.`,
        )
      if (earlier) return
      append(db, 'top-up', amount, reason || 'Top-up', requestId ? { details: { requestId } } : {})
    })
    return this.changed()
  }

  /** Set the balance to `target` with one adjustment entry (used by support and tests). */
  async adjustTo(target: number, reason: string): Promise<CreditsState> {
    if (!Number.isInteger(target) || target < 0) throw new AppError('invalid-input', 'Balance must be a whole number ≥ 0')
    await this.store.mutate((db) => append(db, 'adjustment', target - balanceOf(db), reason))
    return this.changed()
  }

  /**
   * Charge `cost` for the work `ref` now. The reservation names this process as its owner, so
   * start-up recovery refunds it only once this process is gone; the work records itself
   * afterwards, in its own file (see EnhanceService for the order and why it is safe).
   */
  async reserve(cost: number, ref: string, reason: LedgerReason): Promise<Reservation> {
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
      const charge = cost > 0 ? append(db, 'charge', -cost, reasonText(reason), { ref, ...wordingOf(reason) }) : null
      const r: Reservation = {
        id: randomUUID(),
        at: new Date().toISOString(),
        cost,
        ref,
        status: 'pending',
        chargeEntryId: charge?.id ?? null,
        owner: this.owner,
      }
      db.credits.reservations.push(r)
      return r
    })
    if (cost > 0) this.changed()
    return reservation
  }

  /**
   * The work succeeded: its charge stands. Never fails the work it follows: a reservation that
   * another process took for interrupted (this one stalled past its lock, e.g. the machine
   * slept) and refunded is charged again when the balance allows, since the result was delivered.
   */
  async commit(reservationId: string, details: Record<string, unknown> = {}): Promise<void> {
    let charged = false
    await this.store.mutate((db) => {
      const r = find(db.credits.reservations, reservationId)
      if (r.status === 'committed') return
      if (r.status === 'refunded' && r.cost > 0) {
        const cost = Math.min(r.cost, balanceOf(db))
        const charge =
          cost > 0 ? append(db, 'charge', -cost, 'Charge: finished after it was taken for interrupted', { ref: r.ref }) : null
        r.chargeEntryId = charge?.id ?? null
        charged = cost > 0
      }
      r.status = 'committed'
      const entry = db.credits.ledger.find((e) => e.id === r.chargeEntryId)
      // The charge line gains what the work reported (tokens, duration); its amount never changes.
      if (entry) entry.details = { ...entry.details, ...details }
    })
    if (charged) this.changed()
  }

  /** The work failed or was cancelled: give the credits back, once however often it is asked. */
  async refund(reservationId: string, reason: LedgerReason): Promise<void> {
    const refunded = await this.store.mutate((db) => refundIn(db, find(db.credits.reservations, reservationId), reason))
    if (refunded > 0) this.changed()
  }

  /** Tell listeners the balance may have changed (also after another process's write). */
  changed(): CreditsState {
    const s = this.state()
    this.onChange(s)
    return s
  }
}

/**
 * The one way credits are given back (a failure, a cancel, work a dead process left): a pending
 * reservation becomes refunded with one ledger line; anything else is left as it is. Returns
 * the credits given back.
 */
export function refundIn(db: Db, r: Reservation, reason: LedgerReason): number {
  if (r.status !== 'pending') return 0
  r.status = 'refunded'
  if (r.cost > 0) append(db, 'refund', r.cost, reasonText(reason), { ref: r.ref, ...wordingOf(reason) })
  return r.cost
}

const reasonText = (reason: LedgerReason) => (typeof reason === 'string' ? reason : reason.text)
/** The wording rides in the line's details, beside what the work reports there later. */
const wordingOf = (reason: LedgerReason) => (typeof reason === 'string' ? {} : { details: { wording: reason.wording } })

function find(list: Reservation[], id: string): Reservation {
  const r = list.find((x) => x.id === id)
  if (!r) throw new AppError('not-found', `No reservation ${id}`)
  return r
}

function requirePositive(amount: number): void {
  if (!Number.isInteger(amount) || amount <= 0)
    throw new AppError('invalid-input', 'Amount must be a whole number of credits above 0')
}
