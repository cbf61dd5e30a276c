import { promises as fs } from 'node:fs'
import lockfile from 'proper-lockfile'
import { AppError } from '../../shared/errors'

/**
 * The cross-process lock on one data file (db.json, a transcript). Writes take milliseconds, so
 * waiting is short; a lock left by a process that was killed is taken over once it is `stale`
 * (its holder refreshes it while alive, so a slow write is never mistaken for a dead one).
 */
const LOCK_OPTIONS = {
  stale: 10_000,
  update: 2_000,
  realpath: false,
  retries: { retries: 400, factor: 1.3, minTimeout: 5, maxTimeout: 100, randomize: true },
} as const
/** Margin before the lock's stale time within which a write is no longer allowed to land. */
const LOCK_SAFETY_MS = 3_000
/** How often one change is made again after losing the lock, before giving up with a message. */
const MAX_LOST_LOCK_ATTEMPTS = 5

/** What identifies one version of a file on disk: every write is a rename, so a new inode. */
export type Signature = string
export async function signatureOf(file: string): Promise<Signature | null> {
  const s = await fs.stat(file, { bigint: true }).catch(() => null)
  return s ? `${s.ino}:${s.size}:${s.mtimeNs}` : null
}

/** This process's write may not land: its lock went stale and another process may have written. */
export class LockLost extends Error {}

export const lostLockMessage = (file: string): string =>
  `Another MP4toText process took over ${file} while this one was paused; nothing was saved here. Try again.`

export interface HeldLock {
  /**
   * Right before the file is replaced: the lock is still this process's and the file is still
   * the version (`basedOn`) the change was made on; else throws `LockLost`. A process frozen
   * while it held the lock (Ctrl-Z, a debugger, sleep) finds on waking that its lock went stale
   * or that another process wrote meanwhile — and must not rename its old copy over that write.
   * Every writer checks, so of two that both think they hold the lock, the one that renames
   * second sees the first's write.
   */
  stillOurs: (basedOn: Signature | null) => Promise<void>
  release: () => Promise<void>
}

export async function lockFile(file: string): Promise<HeldLock> {
  let compromised = false
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(file, {
      ...LOCK_OPTIONS,
      // the library notices on its refresh timer that the lock was taken over
      onCompromised: () => {
        compromised = true
      },
    })
  } catch (err) {
    throw new AppError(
      'store-failed',
      `Another MP4toText process holds the lock on ${file} and did not let go (${(err as Error).message}). Try again; if it persists, quit the other window or command.`,
    )
  }
  return {
    stillOurs: async (basedOn) => {
      if (compromised) throw new LockLost()
      const held = await fs.stat(`${file}.lock`).catch(() => null)
      // a lock this close to stale may be taken over before the rename lands
      if (!held || held.mtimeMs < Date.now() - (LOCK_OPTIONS.stale - LOCK_SAFETY_MS)) throw new LockLost()
      if ((await signatureOf(file)) !== basedOn) throw new LockLost()
    },
    release: () => release().catch(() => undefined),
  }
}

/**
 * Run one change of `file` under its lock. `attempt` may run more than once: when the lock was
 * lost before its write landed, that write was dropped and the change is made again on the
 * fresh copy — so `attempt` must read the file anew each time.
 */
export async function underLock<T>(file: string, attempt: (lock: HeldLock) => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    const lock = await lockFile(file)
    try {
      return await attempt(lock)
    } catch (err) {
      if (!(err instanceof LockLost)) throw err
      if (tries >= MAX_LOST_LOCK_ATTEMPTS) throw new AppError('store-failed', lostLockMessage(file))
    } finally {
      await lock.release()
    }
  }
}
