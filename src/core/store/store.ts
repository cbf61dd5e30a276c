import { watch, promises as fs, type FSWatcher } from 'node:fs'
import path from 'node:path'
import { Low, type Adapter } from 'lowdb'
import { AppError } from '../../shared/errors'
import { DbSchema, type Db } from './db-schema'
import { LockLost, lockFile, lostLockMessage, signatureOf, underLock, type HeldLock, type Signature } from './file-lock'
import type { CarriedRows } from './library-db'
import { carriedEnhancements, carriedRows, migrate, NewerSchemaError } from './migrations'
import { PRIVATE_DIR_MODE, SafeJsonFile, readIfExists, removeDeadWritersTemps } from './safe-json-file'

export type StoreNotice = { kind: 'restored-from-backup'; corruptCopy: string; backup: string }

/**
 * Parse, migrate and validate one db.json text; throws on anything it cannot trust. `carried`:
 * the rows a document from before library.db held, which the caller must put there before this
 * db is written (the migration drops them).
 */
export function parseDb(text: string): { db: Db; migrated: boolean; carried: CarriedRows | null } {
  const raw: unknown = JSON.parse(text)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('db.json does not hold an object')
  }
  const before = (raw as { schemaVersion?: unknown }).schemaVersion
  let doc = raw as Record<string, unknown>
  let carried: CarriedRows | null = null
  if (typeof before !== 'number' || before < LIBRARY_MOVE_VERSION) {
    doc = migrate(doc, LIBRARY_MOVE_VERSION - 1)
    carried = carriedRows(doc)
  }
  if (typeof before !== 'number' || before < ENHANCEMENTS_MOVE_VERSION) {
    doc = migrate(doc, ENHANCEMENTS_MOVE_VERSION - 1)
    carried = carriedEnhancements(doc, carried)
  }
  doc = migrate(doc)
  return { db: DbSchema.parse(doc), migrated: before !== doc.schemaVersion, carried }
}

/** The schema at which jobs, transcripts and watched files left db.json for library.db. */
const LIBRARY_MOVE_VERSION = 8
/** The schema at which the enhancement index followed them. */
const ENHANCEMENTS_MOVE_VERSION = 9

/** How often a watching store checks db.json for another process's write (fs.watch misses some). */
const POLL_MS = 1_000

export interface StoreOptions {
  /** follow other processes' writes while open (the app and the web host; a CLI run need not) */
  watch?: boolean
  /**
   * Put the rows an older db.json holds into library.db; called under db.json's lock, before
   * db.json is written without them (a copy of the old file is kept first). Without it such a
   * file is refused rather than written without its rows.
   */
  carry?: (rows: CarriedRows) => void
}

/**
 * The app's one lowdb database, shared by every process that opens the same data folder (the
 * app, the CLI, the web host). Every change goes through `mutate`, which is serialized inside
 * the process and across processes (a lock file beside db.json): it re-reads db.json if another
 * process wrote it since, applies the change to that fresh copy, validates and writes it — so an
 * in-memory copy never overwrites another process's write, and checks such as "is the balance
 * enough" see every process's spending. If the write fails nothing changed, on disk or here.
 */
export class Store {
  private queue: Promise<unknown> = Promise.resolve()
  private signature: Signature | null = null
  private readonly listeners = new Set<() => void>()
  private watcher: FSWatcher | null = null
  private poll: NodeJS.Timeout | null = null
  private refreshing: Promise<boolean> | null = null

  private constructor(
    private readonly low: Low<Db>,
    private readonly file: SafeJsonFile,
    readonly notice: StoreNotice | null,
  ) {}

  get filePath(): string {
    return this.file.filePath
  }

  static async open(dataDir: string, createInitial: () => Db, opts: StoreOptions = {}): Promise<Store> {
    await fs.mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE })
    // an existing folder from an older version may be readable by others
    await fs.chmod(dataDir, PRIVATE_DIR_MODE).catch(() => undefined)
    const file = new SafeJsonFile(path.join(dataDir, 'db.json'))
    const lock = await lockFile(file.filePath)
    let store: Store
    try {
      await removeDeadWritersTemps(file.filePath)
      const loaded = await load(file, createInitial)
      const carried = loaded.carried
      if (
        carried &&
        (opts.carry || Object.values(carried).some((rows) => typeof rows === 'object' && Object.keys(rows).length > 0))
      ) {
        if (!opts.carry)
          throw new AppError(
            'store-failed',
            `${file.filePath} holds jobs, transcripts or enhancements of an older version; open it with the app`,
          )
        await keepPreLibraryCopy(file.filePath, carried.from < LIBRARY_MOVE_VERSION ? 'before-library' : 'before-enhancements')
        opts.carry(carried)
      }
      // after load: it may have moved a corrupt db.json aside, itself, under this lock
      const basedOn = await signatureOf(file.filePath)
      const adapter: Adapter<Db> = {
        read: async () => parseDb((await file.read()) ?? '').db,
        write: (db) => file.write(`${JSON.stringify(db, null, 2)}\n`, () => store.beforeReplace?.()),
      }
      const low = new Low<Db>(adapter, loaded.db)
      store = new Store(low, file, loaded.notice)
      if (loaded.needsWrite) {
        store.beforeReplace = () => lock.stillOurs(basedOn)
        try {
          await low.write()
        } catch (err) {
          if (err instanceof LockLost) throw new AppError('store-failed', lostLockMessage(file.filePath))
          throw err
        } finally {
          store.beforeReplace = null
        }
      }
      store.signature = await signatureOf(file.filePath)
    } finally {
      await lock.release()
    }
    if (opts.watch) store.startWatching(path.dirname(file.filePath))
    return store
  }

  /** The latest copy this process knows; `mutate` always works on what is on disk. */
  get data(): Readonly<Db> {
    return this.low.data
  }

  /** Called after another process changed db.json and this copy caught up. */
  onExternalChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Catch up with db.json if another process wrote it; true when something changed. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.enqueue(() => this.catchUp())
      .then((changed) => {
        if (changed) for (const l of this.listeners) l()
        return changed
      })
      .finally(() => (this.refreshing = null))
    return this.refreshing
  }

  /**
   * Apply `fn` to the copy on disk and save it. `fn` may run more than once: when this process
   * lost the lock before its write landed (it was frozen past the lock's stale time and another
   * process took over), the write is dropped and the change is made again on the fresh copy.
   */
  mutate<T>(fn: (draft: Db) => T): Promise<T> {
    return this.enqueue(() => underLock(this.file.filePath, (lock) => this.mutateOnce(lock, fn)))
  }

  /** Set while a write is under way: throws `LockLost` if the file may no longer be replaced. */
  private beforeReplace: (() => Promise<void>) | null = null

  private async mutateOnce<T>(lock: HeldLock, fn: (draft: Db) => T): Promise<T> {
    let external = false
    try {
      external = await this.catchUp()
      const basedOn = this.signature
      const previous = this.low.data
      const draft = structuredClone(previous)
      const result = fn(draft)
      const checked = DbSchema.safeParse(draft)
      if (!checked.success) {
        throw new AppError('store-failed', `Refusing to save invalid data: ${checked.error.issues[0]?.message}`)
      }
      this.low.data = checked.data
      this.beforeReplace = () => lock.stillOurs(basedOn)
      try {
        await this.low.write()
      } catch (err) {
        this.low.data = previous
        if (err instanceof LockLost) throw err
        throw new AppError('store-failed', `Could not save ${this.file.filePath}: ${(err as Error).message}`)
      } finally {
        this.beforeReplace = null
      }
      this.signature = await signatureOf(this.file.filePath)
      return result
    } finally {
      if (external) queueMicrotask(() => this.listeners.forEach((l) => l()))
    }
  }

  /** Stop following other processes' writes. */
  close(): void {
    this.watcher?.close()
    this.watcher = null
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task)
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Re-read db.json if its signature changed since this process last read or wrote it. */
  private async catchUp(): Promise<boolean> {
    const now = await signatureOf(this.file.filePath)
    if (now === null || now === this.signature) return false
    let db: Db
    try {
      const text = await this.file.read()
      if (text === null) return false
      const parsed = parseDb(text)
      // an older MP4toText wrote it meanwhile: its jobs and transcripts would be dropped here
      if (parsed.carried) throw new Error('an older version of MP4toText wrote it')
      db = parsed.db
    } catch (err) {
      // Someone broke db.json while we run: keep working from the last good copy and say why
      // writes stop, rather than overwrite what they left or adopt what cannot be trusted.
      throw new AppError(
        'store-failed',
        `${this.file.filePath} was changed outside the app and can no longer be read (${(err as Error).message}). Quit every MP4toText window and command, then start the app again: it restores the newest good backup.`,
      )
    }
    this.low.data = db
    this.signature = now
    return true
  }

  private startWatching(dir: string): void {
    const check = () => void this.refresh().catch(() => undefined)
    try {
      this.watcher = watch(dir, (_event, name) => {
        if (name === null || name === 'db.json') check()
      })
      this.watcher.on('error', () => undefined)
      this.watcher.unref()
    } catch {
      // some file systems cannot be watched; the poll below still notices
    }
    this.poll = setInterval(check, POLL_MS)
    this.poll.unref()
  }
}

type Loaded = { db: Db; notice: StoreNotice | null; needsWrite: boolean; carried: CarriedRows | null }

/**
 * Before db.json is first written without the rows that moved to library.db, the file as the
 * previous release left it is kept beside it (once: a later start finds it there). Each move has
 * its own name, so a schema-8 file does not take the place of the schema-7 one kept earlier.
 */
async function keepPreLibraryCopy(file: string, suffix: 'before-library' | 'before-enhancements'): Promise<void> {
  const copy = `${file}.${suffix}`
  if (
    await fs.stat(copy).then(
      () => true,
      () => false,
    )
  )
    return
  await fs.copyFile(file, `${copy}.tmp`).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err
  })
  await fs.rename(`${copy}.tmp`, copy).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err
  })
}

/**
 * Read db.json, or recover. A database that exists but cannot be trusted is never replaced by a
 * fresh one (that would hand out the welcome credits again and lose the history): the newest
 * backup that parses is restored, and if none does the app stops and says how to get out.
 */
async function load(file: SafeJsonFile, createInitial: () => Db): Promise<Loaded> {
  const text = await file.read()
  // no db.json at all: a first run (or the user moved it away on purpose to start over)
  if (text === null) return { db: createInitial(), notice: null, needsWrite: true, carried: null }
  let problem: string
  try {
    const { db, migrated, carried } = parseDb(text)
    return { db, notice: null, needsWrite: migrated, carried }
  } catch (err) {
    // A file from a newer version is not corrupt: leave it exactly as it is.
    if (err instanceof NewerSchemaError) throw new AppError('store-failed', err.message)
    problem = (err as Error).message
  }
  for (const backup of file.backups) {
    const saved = await readIfExists(backup)
    if (saved === null) continue
    let parsed: ReturnType<typeof parseDb>
    try {
      parsed = parseDb(saved)
    } catch {
      continue
    }
    const corruptCopy = `${file.filePath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
    await fs.rename(file.filePath, corruptCopy)
    return {
      db: parsed.db,
      notice: { kind: 'restored-from-backup', corruptCopy, backup },
      needsWrite: true,
      carried: parsed.carried,
    }
  }
  throw new AppError(
    'store-failed',
    `${file.filePath} cannot be read (${problem}) and no backup beside it is usable. Nothing was changed. ` +
      `To keep your history, restore a copy of db.json from your own backups into ${path.dirname(file.filePath)}; ` +
      `to start over with a new, empty database, move db.json out of that folder and start the app again.`,
  )
}
