import { refundIn } from '../credits/credits-service'
import type { Owner } from '../store/db-schema'
import type { LibraryDb } from '../store/library-db'
import type { Store } from '../store/store'
import { ownerKey, type ProcessOwner } from './process-owner'

/** The key under which the owners (db.json's for enhancements, library.db's for jobs) record who runs a piece of work. */
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
export async function recoverInterruptedWork(
  store: Store,
  self: ProcessOwner,
  library: LibraryDb | null = null,
): Promise<Recovered> {
  const db = store.data
  const activeJobs = () => library?.jobs.withStatus('queued', 'running') ?? []
  const owners: (Owner | null)[] = [
    ...db.credits.reservations.filter((r) => r.status === 'pending').map((r) => r.owner),
    ...db.enhancements.filter((e) => e.status === 'running').map((e) => db.owners[ownedBy.enhancement(e.id)] ?? null),
    ...activeJobs().map((j) => library?.owners.get(ownedBy.job(j.id)) ?? null),
    ...Object.values(db.owners),
    ...Object.values(library?.owners.all() ?? {}),
  ]
  const dead = await self.deadAmong(owners)
  if (dead.size === 0) return { refunded: 0, enhancements: 0, jobs: 0 }
  const gone = (o: Owner | null | undefined) => dead.has(ownerKey(o))
  // jobs first, in their own transaction: liveness was checked before it, so a job settled since
  // is no longer active. A crash between the two writes leaves work whose owner is gone, which
  // the next start recovers the same way.
  const lib = library
  const jobs = lib
    ? lib.transaction(() => {
        let n = 0
        for (const j of activeJobs()) {
          if (!gone(lib.owners.get(ownedBy.job(j.id)))) continue
          lib.jobs.put({ ...j, status: 'interrupted', error: 'The app stopped before this job finished' })
          n++
        }
        for (const [key, o] of Object.entries(lib.owners.all())) if (gone(o)) lib.owners.delete(key)
        return n
      })
    : 0
  return store.mutate((draft) => {
    const out: Recovered = { refunded: 0, enhancements: 0, jobs }
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
    for (const [key, o] of Object.entries(draft.owners)) if (gone(o)) delete draft.owners[key]
    return out
  })
}
