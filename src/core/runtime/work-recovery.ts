import type { EnhancementRecord } from '../../shared/enhance-types'
import { refundIn } from '../credits/credits-service'
import type { Owner } from '../store/db-schema'
import type { LibraryDb } from '../store/library-db'
import type { Store } from '../store/store'
import { ownerKey, type ProcessOwner } from './process-owner'

/** The key under which library.db's owners record who runs a piece of work. */
export const ownedBy = {
  enhancement: (id: string) => `enhancement:${id}`,
  job: (id: string) => `job:${id}`,
}

/** Why a run whose process stopped (killed, or the app closed under it) was given back. */
export const INTERRUPTED = {
  refund: 'Refund: work interrupted before it finished',
  enhancement: 'Interrupted: the app stopped before it finished',
}

export interface Recovered {
  refunded: number
  enhancements: number
  jobs: number
}

/**
 * Start-up recovery: work whose owner process is gone (a crash, a kill, a power cut) is given
 * back — its credits refunded, its enhancement marked failed (or done, when it was paid for and
 * its text saved), its transcription job marked interrupted (ready to retry). Work whose owner
 * still runs — the app while the CLI starts, or the other way round — is left alone.
 *
 * An enhancement's reservation is in db.json and its record in library.db; EnhanceService's
 * comment gives the order they are written in. Here the reservations are settled first, then
 * each record is brought in line with its reservation as it now stands:
 *
 *   reservation (owner gone)          record (owner gone)        becomes
 *   pending                           none                       refunded; nothing else (killed after reserve)
 *   pending                           running                    refunded; record failed
 *   refunded, or none at all          running                    record failed
 *   committed, its texts saved        running                    record done (killed after commit)
 *   committed, no texts row           running                    record failed (cannot happen in that order)
 *
 * Each write is its own transaction; a crash between them leaves work whose owner is gone,
 * which the next start finishes the same way.
 */
export async function recoverInterruptedWork(
  store: Store,
  self: ProcessOwner,
  library: LibraryDb | null = null,
): Promise<Recovered> {
  const db = store.data
  const activeJobs = () => library?.jobs.withStatus('queued', 'running') ?? []
  const runningEnhancements = () => library?.enhancements.withStatus('running') ?? []
  const owners: (Owner | null)[] = [
    ...db.credits.reservations.filter((r) => r.status === 'pending').map((r) => r.owner),
    ...runningEnhancements().map((e) => library?.owners.get(ownedBy.enhancement(e.id)) ?? null),
    ...activeJobs().map((j) => library?.owners.get(ownedBy.job(j.id)) ?? null),
    ...Object.values(db.owners),
    ...Object.values(library?.owners.all() ?? {}),
  ]
  const dead = await self.deadAmong(owners)
  if (dead.size === 0) return { refunded: 0, enhancements: 0, jobs: 0 }
  const gone = (o: Owner | null | undefined) => dead.has(ownerKey(o))
  // jobs first, in their own transaction: liveness was checked before it, so a job settled since
  // is no longer active
  const lib = library
  const jobs = lib
    ? lib.transaction(() => {
        let n = 0
        for (const j of activeJobs()) {
          if (!gone(lib.owners.get(ownedBy.job(j.id)))) continue
          lib.jobs.put({ ...j, status: 'interrupted', error: 'The app stopped before this job finished' })
          n++
        }
        for (const [key, o] of Object.entries(lib.owners.all()))
          if (gone(o) && !key.startsWith(ownedBy.enhancement(''))) lib.owners.delete(key)
        return n
      })
    : 0
  // the credits next: every pending reservation of a gone owner is refunded, record or not
  const refunded = await store.mutate((draft) => {
    let n = 0
    for (const r of draft.credits.reservations) {
      // liveness was checked before the lock: a reservation settled since is no longer pending
      if (r.status !== 'pending' || !gone(r.owner)) continue
      refundIn(draft, r, INTERRUPTED.refund)
      n++
    }
    for (const [key, o] of Object.entries(draft.owners)) if (gone(o)) delete draft.owners[key]
    return n
  })
  const enhancements = lib ? settleEnhancements(lib, store, gone) : 0
  return { refunded, enhancements, jobs }
}

/** The running records of gone owners, brought in line with their reservations (the table above). */
function settleEnhancements(lib: LibraryDb, store: Store, gone: (o: Owner | null | undefined) => boolean): number {
  const outcomes = new Map<string, Partial<EnhancementRecord>>()
  for (const e of lib.enhancements.withStatus('running')) {
    if (!gone(lib.owners.get(ownedBy.enhancement(e.id)))) continue
    // the reservations as the write above left them (store.data is that write's result)
    const r = store.data.credits.reservations.find((x) => x.ref === e.id)
    // a pending one here belongs to a live process: that process settles both
    if (r?.status === 'pending') continue
    // its texts as saved before the commit (a partial text is what a failed run kept, never a result)
    const saved = r?.status === 'committed' ? lib.enhancementTexts.get(e.id) : undefined
    const texts = saved?.partial === false ? saved : null
    outcomes.set(
      e.id,
      texts
        ? { status: 'done', error: null, preview: texts.output.slice(0, 200) }
        : { status: 'failed', error: INTERRUPTED.enhancement },
    )
  }
  return lib.transaction(() => {
    let n = 0
    for (const [id, patch] of outcomes) {
      // read again under the write lock: a record settled since is left as it is
      const e = lib.enhancements.get(id)
      if (e?.status !== 'running' || !gone(lib.owners.get(ownedBy.enhancement(id)))) continue
      lib.enhancements.put({ ...e, ...patch })
      n++
    }
    for (const [key, o] of Object.entries(lib.owners.all())) if (gone(o)) lib.owners.delete(key)
    return n
  })
}
