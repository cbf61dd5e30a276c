import { isJobActive } from '../../shared/transcribe-types'
import { refundIn } from '../credits/credits-service'
import type { Owner } from '../store/db-schema'
import type { Store } from '../store/store'
import { ownerKey, type ProcessOwner } from './process-owner'

/** The key under which `db.owners` records who runs a piece of work. */
export const ownedBy = {
  enhancement: (id: string) => `enhancement:${id}`,
  job: (id: string) => `job:${id}`,
}

export interface Recovered {
  refunded: number
  enhancements: number
  jobs: number
}

/**
 * Start-up recovery: work whose owner process is gone (a crash, a kill, a power cut) is given
 * back — its credits refunded, its enhancement marked failed, its transcription job marked
 * interrupted (ready to retry). Work whose owner still runs — the app while the CLI starts, or
 * the other way round — is left alone.
 */
export async function recoverInterruptedWork(store: Store, self: ProcessOwner): Promise<Recovered> {
  const db = store.data
  const owners: (Owner | null)[] = [
    ...db.credits.reservations.filter((r) => r.status === 'pending').map((r) => r.owner),
    ...db.enhancements.filter((e) => e.status === 'running').map((e) => db.owners[ownedBy.enhancement(e.id)] ?? null),
    ...db.jobs.filter((j) => isJobActive(j.status)).map((j) => db.owners[ownedBy.job(j.id)] ?? null),
    ...Object.values(db.owners),
  ]
  const dead = await self.deadAmong(owners)
  if (dead.size === 0) return { refunded: 0, enhancements: 0, jobs: 0 }
  const gone = (o: Owner | null | undefined) => dead.has(ownerKey(o))
  return store.mutate((draft) => {
    const out: Recovered = { refunded: 0, enhancements: 0, jobs: 0 }
    for (const r of draft.credits.reservations) {
      // liveness was checked before the lock: a reservation settled since is no longer pending
      if (r.status !== 'pending' || !gone(r.owner)) continue
      refundIn(draft, r, 'Refund: work interrupted before it finished')
      out.refunded++
    }
    for (const e of draft.enhancements) {
      if (e.status !== 'running' || !gone(draft.owners[ownedBy.enhancement(e.id)])) continue
      Object.assign(e, { status: 'failed', error: 'Interrupted: the app stopped before it finished' })
      out.enhancements++
    }
    for (const j of draft.jobs) {
      if (!isJobActive(j.status) || !gone(draft.owners[ownedBy.job(j.id)])) continue
      Object.assign(j, { status: 'interrupted', error: 'The app stopped before this job finished' })
      out.jobs++
    }
    for (const [key, o] of Object.entries(draft.owners)) if (gone(o)) delete draft.owners[key]
    return out
  })
}
