import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import lockfile from 'proper-lockfile'
import type { Owner } from '../store/db-schema'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../store/safe-json-file'

/** A holder refreshes its lock every UPDATE_MS; one not refreshed for STALE_MS is gone. */
const STALE_MS = 30_000
const UPDATE_MS = 5_000

/** Is a process with this pid running on this machine? (EPERM: it runs, as another user.) */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * This process's identity on a data folder, and the way to tell whether another owner still
 * runs. Each process that opens the core holds a lock file `instances/<id>` (proper-lockfile:
 * a lock directory whose mtime the holder refreshes). An owner is alive while its lock is held
 * — and, on the same machine, while its pid runs, so a process killed with SIGKILL is known to
 * be gone at once rather than after the lock goes stale.
 */
export class ProcessOwner {
  private constructor(
    readonly owner: Owner,
    private readonly dir: string,
    private release: (() => Promise<void>) | null,
  ) {}

  static async start(dataDir: string): Promise<ProcessOwner> {
    const dir = path.join(dataDir, 'instances')
    await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    const owner: Owner = { instance: randomUUID(), pid: process.pid, host: os.hostname() }
    const file = path.join(dir, owner.instance)
    await fs.writeFile(file, `${JSON.stringify({ ...owner, startedAt: new Date().toISOString() })}\n`, {
      mode: PRIVATE_FILE_MODE,
    })
    const release = await lockfile.lock(file, {
      stale: STALE_MS,
      update: UPDATE_MS,
      realpath: false,
      // a missed refresh (the machine slept) must not crash the app; others may then treat this
      // process's work as interrupted, which the credits service handles at commit
      onCompromised: () => undefined,
    })
    return new ProcessOwner(owner, dir, release)
  }

  async isAlive(o: Owner | null | undefined): Promise<boolean> {
    if (!o) return false
    if (o.instance === this.owner.instance) return true
    const sameHost = o.host === this.owner.host
    if (sameHost && !pidAlive(o.pid)) return false
    // on this machine a running pid with its lock still in place is alive however long it
    // slept; on another machine (a shared folder) only a fresh lock says so
    return lockfile
      .check(path.join(this.dir, o.instance), { realpath: false, stale: sameHost ? Number.MAX_SAFE_INTEGER : STALE_MS })
      .catch(() => false)
  }

  /** Owners among `owners` that are gone; each is checked once. */
  async deadAmong(owners: Iterable<Owner | null | undefined>): Promise<Set<string>> {
    const dead = new Set<string>()
    const seen = new Set<string>()
    for (const o of owners) {
      const key = ownerKey(o)
      if (seen.has(key)) continue
      seen.add(key)
      if (!(await this.isAlive(o))) dead.add(key)
    }
    return dead
  }

  /** Remove the lock files of owners that are gone (left behind by a crash). */
  async sweep(): Promise<void> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[])
    for (const name of names) {
      if (name.endsWith('.lock') || name === this.owner.instance) continue
      const file = path.join(this.dir, name)
      const info = await fs
        .readFile(file, 'utf8')
        .then((t) => JSON.parse(t) as Owner)
        .catch(() => null)
      if (info && (await this.isAlive({ ...info, instance: name }))) continue
      await fs.rm(`${file}.lock`, { recursive: true, force: true })
      await fs.rm(file, { force: true })
    }
  }

  async close(): Promise<void> {
    const release = this.release
    this.release = null
    if (!release) return
    await release().catch(() => undefined)
    await fs.rm(path.join(this.dir, this.owner.instance), { force: true })
  }
}

/** A stable key for an owner (null for work recorded before owners were). */
export function ownerKey(o: Owner | null | undefined): string {
  return o ? o.instance : 'unknown'
}
