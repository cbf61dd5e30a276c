import { promises as fs } from 'node:fs'
import path from 'node:path'
import { Low, type Adapter } from 'lowdb'
import { AppError } from '../../shared/errors'
import { DbSchema, type Db } from './db-schema'
import { migrate, NewerSchemaError } from './migrations'
import { SafeJsonFile, atomicWrite, readIfExists } from './safe-json-file'

export type StoreNotice = { kind: 'restored-from-backup' | 'reset'; corruptCopy: string }

type Loaded = { db: Db; notice: StoreNotice | null; needsWrite: boolean }

/** Parse, migrate and validate one db.json text; throws on anything it cannot trust. */
export function parseDb(text: string): { db: Db; migrated: boolean } {
  const raw: unknown = JSON.parse(text)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('db.json does not hold an object')
  }
  const before = (raw as { schemaVersion?: unknown }).schemaVersion
  const doc = migrate(raw as Record<string, unknown>)
  return { db: DbSchema.parse(doc), migrated: before !== doc.schemaVersion }
}

/**
 * The app's one lowdb database. Every change goes through `mutate`, which is serialized,
 * validated and all-or-nothing: if the write fails (full disk, permissions) the in-memory copy
 * is rolled back and the caller gets the error.
 */
export class Store {
  private lock: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly low: Low<Db>,
    readonly filePath: string,
    readonly notice: StoreNotice | null,
  ) {}

  static async open(dataDir: string, createInitial: () => Db): Promise<Store> {
    await fs.mkdir(dataDir, { recursive: true })
    const filePath = path.join(dataDir, 'db.json')
    const file = new SafeJsonFile(filePath)
    const loaded = await loadWithRecovery(file, createInitial)
    const adapter: Adapter<Db> = {
      read: async () => loaded.db,
      write: (db) => file.write(`${JSON.stringify(db, null, 2)}\n`),
    }
    const low = new Low<Db>(adapter, loaded.db)
    await low.read()
    const store = new Store(low, filePath, loaded.notice)
    if (loaded.needsWrite) await low.write()
    return store
  }

  get data(): Readonly<Db> {
    return this.low.data
  }

  mutate<T>(fn: (draft: Db) => T): Promise<T> {
    const run = this.lock.then(async () => {
      const previous = this.low.data
      const draft = structuredClone(previous)
      const result = fn(draft)
      const checked = DbSchema.safeParse(draft)
      if (!checked.success) {
        throw new AppError('store-failed', `Refusing to save invalid data: ${checked.error.issues[0]?.message}`)
      }
      this.low.data = checked.data
      try {
        await this.low.write()
      } catch (err) {
        this.low.data = previous
        throw new AppError('store-failed', `Could not save ${this.filePath}: ${(err as Error).message}`)
      }
      return result
    })
    this.lock = run.catch(() => undefined)
    return run
  }
}

async function loadWithRecovery(file: SafeJsonFile, createInitial: () => Db): Promise<Loaded> {
  const text = await readIfExists(file.filePath)
  if (text === null) return { db: createInitial(), notice: null, needsWrite: true }
  try {
    const { db, migrated } = parseDb(text)
    return { db, notice: null, needsWrite: migrated }
  } catch (err) {
    // A file from a newer version is not corrupt: leave it exactly as it is.
    if (err instanceof NewerSchemaError) throw new AppError('store-failed', err.message)
  }
  const corruptCopy = `${file.filePath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
  await fs.rename(file.filePath, corruptCopy)
  const backup = await readIfExists(file.backupPath)
  if (backup !== null) {
    try {
      const { db } = parseDb(backup)
      await atomicWrite(file.filePath, backup)
      return { db, notice: { kind: 'restored-from-backup', corruptCopy }, needsWrite: false }
    } catch {
      // fall through: the backup is no better than the file
    }
  }
  return { db: createInitial(), notice: { kind: 'reset', corruptCopy }, needsWrite: true }
}
