import { chmodSync, closeSync, fstatSync, openSync, readSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import type * as NodeSqlite from 'node:sqlite'
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { WatchedFile } from '../../shared/calls/watch-calls'
import type { EnhancementRecord } from '../../shared/enhance-types'
import { AppError, keyedError } from '../../shared/errors'
import type { Job, Segment, TranscriptMeta } from '../../shared/transcribe-types'
import type { Owner } from './db-schema'
import { PRIVATE_FILE_MODE } from './safe-json-file'

/**
 * Numbered migrations of library.db: migrations[n - 1] brings a file at version n - 1 to n. Each
 * runs in the transaction that records its number, so a file is at one version or the next.
 * Version 1 is the search index as the previous release left it (`IF NOT EXISTS`: such a file
 * is adopted as it is); version 2 adds the records that left db.json; version 3 a text index per
 * transcript beside the one per segment; version 4 the enhancement index, the last growing list
 * db.json held; version 5 each transcript's segments, which lived in `transcripts/<id>.json`
 * (the files are imported by TranscriptStore as it opens, and left where they are); version 6
 * the enhancement runs' texts (until then one file each) and their place in the search index.
 */
const migrations: string[] = [
  `
  -- what each indexed piece is (kept apart from the text index, so one transcript's rows are found by key)
  CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY, transcript_id TEXT NOT NULL, segment_id INTEGER NOT NULL, start REAL, kind TEXT NOT NULL, text TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS entries_by_transcript ON entries (transcript_id);
  -- the folded text, rowid = entries.id
  CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(folded, tokenize = 'unicode61 remove_diacritics 2');
  CREATE TABLE IF NOT EXISTS indexed (transcript_id TEXT PRIMARY KEY, revision INTEGER NOT NULL);
  `,
  `
  -- seq keeps the order records were added in (the lists show it); changed grows with every
  -- write, so a process finds what others changed since it last looked
  CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL, changed INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE INDEX jobs_by_status ON jobs (status);
  CREATE INDEX jobs_by_changed ON jobs (changed);
  CREATE INDEX jobs_by_transcript ON jobs (json_extract(data, '$.transcriptId'));
  CREATE TABLE transcripts (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, changed INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE INDEX transcripts_by_changed ON transcripts (changed);
  CREATE TABLE watched_files (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL, changed INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE INDEX watched_files_by_status ON watched_files (status);
  CREATE INDEX watched_files_by_changed ON watched_files (changed);
  CREATE INDEX watched_files_by_job ON watched_files (json_extract(data, '$.jobId'));
  -- who runs a queued or running job (job:<id>) and who moves a watched file along (watch:<key>)
  CREATE TABLE owners (key TEXT PRIMARY KEY, data TEXT NOT NULL);
  `,
  `
  -- each transcript's whole folded text (name, speakers, segments), rowid = indexed.rowid: a
  -- search ranks thousands of transcripts here instead of every segment of the library
  CREATE VIRTUAL TABLE transcript_docs USING fts5(folded, tokenize = 'unicode61 remove_diacritics 2');
  INSERT INTO transcript_docs (rowid, folded)
    SELECT i.rowid, coalesce((SELECT group_concat(d.folded, char(10)) FROM entries e JOIN docs d ON d.rowid = e.id WHERE e.transcript_id = i.transcript_id), '')
    FROM indexed i;
  `,
  `
  -- the enhancement runs (their texts were in enhancements/<id>.json until version 5), laid out as jobs are; a
  -- running one's owner is in owners under enhancement:<id>. IF NOT EXISTS: a file whose version
  -- was set back by hand still holds them, and they are kept as they are
  CREATE TABLE IF NOT EXISTS enhancements (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL, changed INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS enhancements_by_status ON enhancements (status);
  CREATE INDEX IF NOT EXISTS enhancements_by_changed ON enhancements (changed);
  -- a transcript's versions are its done runs: found by this index, not by reading every run
  CREATE INDEX IF NOT EXISTS enhancements_by_transcript ON enhancements (json_extract(data, '$.transcriptId'));
  `,
  `
  -- each transcript's segments (their words included) as one JSON array, and how many changes
  -- made them what they are: an edit is one row update, in the transaction that also updates the
  -- transcript's row in transcripts and its search rows, so the three never disagree.
  -- IF NOT EXISTS: a file whose version was set back by hand still holds them, kept as they are
  CREATE TABLE IF NOT EXISTS transcript_segments (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, data TEXT NOT NULL);
  `,
  `
  -- IF NOT EXISTS, as version 4: a file whose version was set back by hand keeps what it holds.
  -- each run's texts, one row (they were enhancements/<id>.json): saved before its charge is
  -- committed, so recovery finds "paid and delivered" by this row. partial: 1 for what a failed
  -- or cancelled run wrote before it stopped
  CREATE TABLE IF NOT EXISTS enhancement_texts (id TEXT PRIMARY KEY, input TEXT NOT NULL, output TEXT NOT NULL, partial INTEGER NOT NULL);
  -- 1 until the enhancements/*.json files an earlier release wrote were read in (once, at a start)
  CREATE TABLE IF NOT EXISTS enhancement_files_import (pending INTEGER NOT NULL);
  INSERT INTO enhancement_files_import (pending) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM enhancement_files_import);
  -- the search index's pieces of done runs' texts (entries of kind 'enhanced'): which run each
  -- is, so one run's are found and dropped by key; and the runs indexed (a run whose text is empty
  -- has no piece, and is still indexed)
  CREATE TABLE IF NOT EXISTS enhanced_entries (entry_id INTEGER PRIMARY KEY, enhancement_id TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS enhanced_entries_by_enhancement ON enhanced_entries (enhancement_id);
  CREATE TABLE IF NOT EXISTS indexed_enhancements (id TEXT PRIMARY KEY, transcript_id TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS indexed_enhancements_by_transcript ON indexed_enhancements (transcript_id);
  `,
]
export const LIBRARY_SCHEMA_VERSION = migrations.length

const BUSY_TIMEOUT_MS = 10_000
/** How often a long-running shell looks for other processes' changes. */
const POLL_MS = 1_000
export const LIBRARY_FILE = 'library.db'

/** One table of JSON records keyed by id, in the order they were added. */
export class Records<T> {
  private readonly sAll: StatementSync
  private readonly sGet: StatementSync
  private readonly sPut: StatementSync
  private readonly sDelete: StatementSync
  private readonly sChanged: StatementSync
  private readonly sWhere: StatementSync | null
  private readonly sMaxChanged: StatementSync
  private readonly sPage: StatementSync
  private readonly sPageOf: StatementSync
  private readonly sCount: StatementSync
  private readonly sCountOf: StatementSync
  private readonly sWhereField = new Map<string, StatementSync>()

  constructor(
    private readonly db: DatabaseSync,
    private readonly table: string,
    private readonly keyOf: (r: T) => string,
    private readonly statusOf: ((r: T) => string) | null = null,
  ) {
    this.sAll = db.prepare(`SELECT data FROM ${table} ORDER BY seq`)
    this.sGet = db.prepare(`SELECT data FROM ${table} WHERE id = ?`)
    const cols = statusOf ? 'id, status, changed, data' : 'id, changed, data'
    const vals = statusOf ? '?, ?, ?, ?' : '?, ?, ?'
    const set = statusOf ? 'status = excluded.status, ' : ''
    this.sPut = db.prepare(
      `INSERT INTO ${table} (${cols}) VALUES (${vals}) ON CONFLICT (id) DO UPDATE SET ${set}changed = excluded.changed, data = excluded.data`,
    )
    this.sDelete = db.prepare(`DELETE FROM ${table} WHERE id = ?`)
    this.sChanged = db.prepare(`SELECT data FROM ${table} WHERE changed > ? ORDER BY seq`)
    this.sWhere = statusOf ? db.prepare(`SELECT data FROM ${table} WHERE status = ? ORDER BY seq`) : null
    this.sMaxChanged = db.prepare(`SELECT coalesce(max(changed), 0) AS n FROM ${table}`)
    this.sPage = db.prepare(`SELECT data FROM ${table} ORDER BY seq DESC LIMIT ? OFFSET ?`)
    // `ids` as one JSON array: any number of them in one statement
    const of = `id IN (SELECT value FROM json_each(?))`
    this.sPageOf = db.prepare(`SELECT data FROM ${table} WHERE ${of} ORDER BY seq DESC LIMIT ? OFFSET ?`)
    this.sCount = db.prepare(`SELECT count(*) AS n FROM ${table}`)
    this.sCountOf = db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${of}`)
  }

  /** Every record, oldest first. */
  all(): T[] {
    return this.sAll.all().map(parseRow<T>)
  }

  /**
   * One page of records, newest first, and how many there are: of the whole table, or of those
   * whose id is in `ids`. Reads only the page's rows.
   */
  page(limit: number, offset: number, ids?: readonly string[]): { items: T[]; total: number } {
    if (ids) {
      const json = JSON.stringify(ids)
      const items = this.sPageOf.all(json, limit, offset).map(parseRow<T>)
      return { items, total: (this.sCountOf.get(json) as { n: number }).n }
    }
    return { items: this.sPage.all(limit, offset).map(parseRow<T>), total: (this.sCount.get() as { n: number }).n }
  }

  get(id: string): T | undefined {
    const row = this.sGet.get(id)
    return row ? parseRow<T>(row) : undefined
  }

  /** Records whose status is one of `statuses`, oldest first (an index, not a scan). */
  withStatus(...statuses: string[]): T[] {
    if (!this.sWhere) throw new Error('This table has no status')
    return statuses.flatMap((s) => this.sWhere!.all(s).map(parseRow<T>))
  }

  /** Records whose `field` is `value`, oldest first (the fields looked up by have an index). */
  where(field: 'jobId' | 'transcriptId', value: string): T[] {
    let s = this.sWhereField.get(field)
    if (!s) {
      s = this.db.prepare(`SELECT data FROM ${this.table} WHERE json_extract(data, '$.${field}') = ? ORDER BY seq`)
      this.sWhereField.set(field, s)
    }
    return s.all(value).map(parseRow<T>)
  }

  /** Add a record, or replace the one with its id (it keeps its place in the order). */
  put(record: T): void {
    const changed = this.nextChange()
    const data = JSON.stringify(record)
    if (this.statusOf) this.sPut.run(this.keyOf(record), this.statusOf(record), changed, data)
    else this.sPut.run(this.keyOf(record), changed, data)
  }

  /** Change one record in place; undefined when there is none with that id. */
  update(id: string, fn: (r: T) => void): T | undefined {
    const r = this.get(id)
    if (!r) return undefined
    fn(r)
    this.put(r)
    return r
  }

  delete(id: string): void {
    this.sDelete.run(id)
  }

  /** Where this table's changes are now: pass it to `changedSince` later. */
  mark(): number {
    return (this.sMaxChanged.get() as { n: number }).n
  }

  /** Records written (by any process) after `mark`. */
  changedSince(mark: number): T[] {
    return this.sChanged.all(mark).map(parseRow<T>)
  }

  private nextChange(): number {
    return this.mark() + 1
  }
}

/** The owners of work kept in library.db, under the same keys as db.json's. */
export class Owners {
  private readonly sGet: StatementSync
  private readonly sSet: StatementSync
  private readonly sDelete: StatementSync
  private readonly sAll: StatementSync

  constructor(db: DatabaseSync) {
    this.sGet = db.prepare('SELECT data FROM owners WHERE key = ?')
    this.sSet = db.prepare('INSERT OR REPLACE INTO owners (key, data) VALUES (?, ?)')
    this.sDelete = db.prepare('DELETE FROM owners WHERE key = ?')
    this.sAll = db.prepare('SELECT key, data FROM owners')
  }

  get(key: string): Owner | undefined {
    const row = this.sGet.get(key)
    return row ? parseRow<Owner>(row) : undefined
  }

  set(key: string, owner: Owner): void {
    this.sSet.run(key, JSON.stringify(owner))
  }

  delete(key: string): void {
    this.sDelete.run(key)
  }

  all(): Record<string, Owner> {
    const rows = this.sAll.all() as { key: string; data: string }[]
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.data) as Owner]))
  }
}

/** A transcript's segments and their revision, as `transcript_segments` holds them. */
export interface SegmentsRow {
  revision: number
  segments: Segment[]
}

/** Each transcript's segments, one row per transcript (see migration 5). */
export class TranscriptSegments {
  private readonly sGet: StatementSync
  private readonly sPut: StatementSync
  private readonly sAdopt: StatementSync
  private readonly sDelete: StatementSync
  private readonly sMissing: StatementSync
  private readonly sWithEntry: StatementSync

  constructor(db: DatabaseSync) {
    this.sGet = db.prepare('SELECT revision, data FROM transcript_segments WHERE id = ?')
    this.sWithEntry = db.prepare(
      'SELECT t.data AS meta, s.revision AS revision, s.data AS data FROM transcripts t LEFT JOIN transcript_segments s ON s.id = t.id WHERE t.id = ?',
    )
    this.sPut = db.prepare(
      'INSERT INTO transcript_segments (id, revision, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, data = excluded.data',
    )
    // only beside an index entry, and never over a row another process imported or changed first
    this.sAdopt = db.prepare(
      `INSERT INTO transcript_segments (id, revision, data) SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM transcripts WHERE id = ?1)
       ON CONFLICT (id) DO NOTHING`,
    )
    this.sDelete = db.prepare('DELETE FROM transcript_segments WHERE id = ?')
    this.sMissing = db.prepare(
      'SELECT t.id AS id FROM transcripts t LEFT JOIN transcript_segments s ON s.id = t.id WHERE s.id IS NULL ORDER BY t.seq',
    )
  }

  get(id: string): SegmentsRow | undefined {
    const row = this.sGet.get(id) as { revision: number; data: string } | undefined
    return row ? { revision: row.revision, segments: JSON.parse(row.data) as Segment[] } : undefined
  }

  /**
   * A transcript's index entry and its segments (undefined when it has none here), read by one
   * statement: as one commit left them, whatever another process writes meanwhile.
   */
  withEntry(id: string): { meta: TranscriptMeta; row: SegmentsRow | undefined } | undefined {
    const r = this.sWithEntry.get(id) as { meta: string; revision: number | null; data: string | null } | undefined
    if (!r) return undefined
    const row = r.data === null ? undefined : { revision: r.revision!, segments: JSON.parse(r.data) as Segment[] }
    return { meta: JSON.parse(r.meta) as TranscriptMeta, row }
  }

  put(id: string, row: SegmentsRow): void {
    this.sPut.run(id, row.revision, JSON.stringify(row.segments))
  }

  /**
   * Take a transcript's segments as an earlier release's file held them: only while its index
   * entry exists and no row is there yet. True when this call added the row.
   */
  adopt(id: string, row: SegmentsRow): boolean {
    return this.sAdopt.run(id, row.revision, JSON.stringify(row.segments)).changes > 0
  }

  delete(id: string): void {
    this.sDelete.run(id)
  }

  /** The transcripts whose segments are not here (still only in an earlier release's file), oldest first. */
  missing(): string[] {
    return (this.sMissing.all() as { id: string }[]).map((r) => r.id)
  }
}

export interface EnhancementTexts {
  input: string
  output: string
  /** what a failed or cancelled run wrote before it stopped: kept for the user, never a result */
  partial: boolean
}

/** Each enhancement run's texts, one row per run, by its id. */
export class TextRows {
  private readonly sGet: StatementSync
  private readonly sPut: StatementSync
  private readonly sAdd: StatementSync

  constructor(db: DatabaseSync) {
    this.sGet = db.prepare('SELECT input, output, partial FROM enhancement_texts WHERE id = ?')
    this.sPut = db.prepare('INSERT OR REPLACE INTO enhancement_texts (id, input, output, partial) VALUES (?, ?, ?, ?)')
    this.sAdd = db.prepare('INSERT OR IGNORE INTO enhancement_texts (id, input, output, partial) VALUES (?, ?, ?, ?)')
  }

  get(id: string): EnhancementTexts | undefined {
    const row = this.sGet.get(id) as { input: string; output: string; partial: number } | undefined
    return row ? { input: row.input, output: row.output, partial: row.partial === 1 } : undefined
  }

  /** Save a run's texts (a retried settle saves the same again). */
  put(id: string, t: EnhancementTexts): void {
    this.sPut.run(id, t.input, t.output, t.partial ? 1 : 0)
  }

  /** Add texts unless the run already has some (what an import brings never replaces a row). */
  add(id: string, t: EnhancementTexts): void {
    this.sAdd.run(id, t.input, t.output, t.partial ? 1 : 0)
  }
}

/** The rows an older db.json held (jobs and the rest up to schema 7, enhancements up to 8), as they move here. */
export interface CarriedRows {
  /** 7: a db.json from before library.db held any records (it held only the derived search index); 8: from before the enhancements moved */
  from: number
  jobs: Job[]
  transcripts: TranscriptMeta[]
  watchedFiles: WatchedFile[]
  enhancements: EnhancementRecord[]
  /** `job:<id>`, `watch:<key>` and `enhancement:<id>` owners */
  owners: Record<string, Owner>
}

/**
 * The library database, `library.db` in the data folder (SQLite through Node's built-in
 * `node:sqlite`): the collections that grow with every file — jobs, the transcript index and
 * each transcript's segments, watched files, the enhancement runs and their texts, the owners of
 * that work — and the full-text search index. A change is one row, not a rewrite of everything;
 * several processes share the file (WAL, one writer at a
 * time, each waiting up to `BUSY_TIMEOUT_MS` for the other rather than failing).
 *
 * Unlike the search index it now also holds, this file is a record: a damaged file or one from
 * a newer version is never replaced — the app stops with a message and leaves it as it is.
 */
export class LibraryDb {
  readonly jobs: Records<Job>
  readonly transcripts: Records<TranscriptMeta>
  readonly watchedFiles: Records<WatchedFile>
  readonly enhancements: Records<EnhancementRecord>
  /** the runs' texts, beside their records */
  readonly enhancementTexts: TextRows
  readonly owners: Owners
  readonly segments: TranscriptSegments
  private readonly sDataVersion: StatementSync
  private depth = 0
  private poll: NodeJS.Timeout | null = null
  private readonly listeners = new Set<() => void>()

  private constructor(
    readonly db: DatabaseSync,
    readonly filePath: string,
  ) {
    this.jobs = new Records<Job>(
      db,
      'jobs',
      (j) => j.id,
      (j) => j.status,
    )
    this.transcripts = new Records<TranscriptMeta>(db, 'transcripts', (t) => t.id)
    this.watchedFiles = new Records<WatchedFile>(
      db,
      'watched_files',
      (w) => w.key,
      (w) => w.status,
    )
    this.enhancements = new Records<EnhancementRecord>(
      db,
      'enhancements',
      (e) => e.id,
      (e) => e.status,
    )
    this.enhancementTexts = new TextRows(db)
    this.owners = new Owners(db)
    this.segments = new TranscriptSegments(db)
    this.sDataVersion = db.prepare('PRAGMA data_version')
  }

  /**
   * Open (or create) the data folder's library.db, migrated to this version's layout.
   * `onlyDerived`: the file can hold nothing but the previous release's search index (db.json
   * still holds the records), so a damaged one is moved aside and made anew.
   */
  static open(dataDir: string, opts: { onlyDerived?: boolean } = {}): LibraryDb {
    const file = path.join(dataDir, LIBRARY_FILE)
    try {
      return new LibraryDb(openAt(file), file)
    } catch (err) {
      const known = err instanceof AppError ? err : damaged(file, (err as Error).message)
      if (!opts.onlyDerived || known.detail?.key === 'library-newer') throw known
      const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
      renameSync(file, aside)
      for (const f of [`${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
      return new LibraryDb(openAt(file), file)
    }
  }

  /**
   * Run `fn` as one transaction: every write in it lands, or none. It holds the write lock from
   * the start (IMMEDIATE), so a read-then-write in it sees no other process's write in between.
   * Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn()
    this.db.exec('BEGIN IMMEDIATE')
    this.depth++
    try {
      const result = fn()
      this.db.exec('COMMIT')
      return result
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
      if (err instanceof Error && (err as { code?: string }).code === 'ERR_SQLITE_ERROR')
        throw new AppError('store-failed', `Could not save ${this.filePath}: ${err.message}`)
      throw err
    } finally {
      this.depth--
    }
  }

  /** Put what an older db.json held into the tables; a row already here is kept as it is. */
  carryIn(rows: CarriedRows): void {
    this.transaction(() => {
      const put = <T>(records: Records<T>, list: T[], keyOf: (r: T) => string) => {
        for (const r of list) if (records.get(keyOf(r)) === undefined) records.put(r)
      }
      put(this.jobs, rows.jobs, (j) => j.id)
      put(this.transcripts, rows.transcripts, (t) => t.id)
      put(this.watchedFiles, rows.watchedFiles, (w) => w.key)
      put(this.enhancements, rows.enhancements, (e) => e.id)
      for (const [key, o] of Object.entries(rows.owners)) if (!this.owners.get(key)) this.owners.set(key, o)
    })
  }

  /**
   * The media paths that contain `word`: every transcript's (it plays from it) and those of jobs
   * not done (they will read it). SQLite narrows, so no whole table is read into the process.
   */
  mediaPathsContaining(word: string): string[] {
    const rows = this.db
      .prepare(
        `SELECT json_extract(data, '$.mediaPath') AS p FROM transcripts WHERE instr(json_extract(data, '$.mediaPath'), ?1) > 0
         UNION ALL
         SELECT json_extract(data, '$.file') AS p FROM jobs WHERE status != 'done' AND instr(json_extract(data, '$.file'), ?1) > 0`,
      )
      .all(word) as { p: string }[]
    return rows.map((r) => r.p)
  }

  /** Changes with every commit another connection (process) makes: cheap to poll. */
  dataVersion(): number {
    return (this.sDataVersion.get() as { data_version: number }).data_version
  }

  /**
   * Call `listener` after another process committed a change (polled: SQLite's data_version
   * moves with every other connection's commit, and reading it costs no file read).
   */
  watch(listener: () => void): void {
    let seen = this.dataVersion()
    this.poll ??= setInterval(() => {
      if (!this.db.isOpen) return
      const now = this.dataVersion()
      if (now === seen) return
      seen = now
      for (const l of this.listeners) l()
    }, POLL_MS)
    this.poll.unref()
    this.listeners.add(listener)
  }

  close(): void {
    if (this.poll) clearInterval(this.poll)
    this.poll = null
    if (this.db.isOpen) this.db.close()
  }
}

function parseRow<T>(row: unknown): T {
  return JSON.parse((row as { data: string }).data) as T
}

/** The file is kept where it is (nothing is overwritten); the message says what to do. */
function damaged(file: string, why: string): AppError {
  const folder = path.dirname(file)
  return keyedError(
    'store-failed',
    'library-unreadable',
    { file, folder },
    `${file} cannot be read (${why}). Nothing was changed. Restore library.db from your own backups into ${folder}, or move it out of that folder to start the library over (your credits are in db.json and stay).`,
  )
}

/**
 * What the file's own header says, read before SQLite opens it: SQLite reads pages only as it
 * needs them, so a file cut short would open and fail later, in the middle of some change.
 */
function checkHeader(file: string): void {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch {
    return // none yet: a new library
  }
  try {
    const size = fstatSync(fd).size
    if (size === 0) return
    const head = Buffer.alloc(100)
    const read = readSync(fd, head, 0, 100, 0)
    if (read < 100 || head.toString('latin1', 0, 16) !== 'SQLite format 3\0') throw damaged(file, 'it is not a database')
    const pageSize = head.readUInt16BE(16) === 1 ? 65_536 : head.readUInt16BE(16)
    const pages = head.readUInt32BE(28)
    // the page count is valid when it was written by the same change as the counter beside it
    const valid = head.readUInt32BE(24) === head.readUInt32BE(92)
    if (valid && size < pages * pageSize) throw damaged(file, `it was cut short: ${size} of ${pages * pageSize} bytes`)
  } finally {
    closeSync(fd)
  }
}

function openAt(file: string): DatabaseSync {
  checkHeader(file)
  const { DatabaseSync } = sqlite()
  // private like everything in the data folder; SQLite gives its -wal and -shm files the same mode
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE))
  chmodSync(file, PRIVATE_FILE_MODE)
  const db = new DatabaseSync(file)
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.exec('PRAGMA journal_mode = WAL')
    // these are records now, not derived data: a commit reported done survives a power cut
    db.exec('PRAGMA synchronous = FULL')
    migrateAt(db, file)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

function migrateAt(db: DatabaseSync, file: string): void {
  db.exec('BEGIN IMMEDIATE')
  try {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined
    const version = row?.version ?? 0
    if (version > LIBRARY_SCHEMA_VERSION) {
      throw keyedError(
        'store-failed',
        'library-newer',
        { file },
        `${file} was written by a newer MP4toText (library schema ${version}, this version reads up to ${LIBRARY_SCHEMA_VERSION}). Update the app; the file was left untouched.`,
      )
    }
    for (let v = version; v < LIBRARY_SCHEMA_VERSION; v++) db.exec(migrations[v]!)
    if (!row) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(LIBRARY_SCHEMA_VERSION)
    else if (version !== LIBRARY_SCHEMA_VERSION) db.prepare('UPDATE schema_version SET version = ?').run(LIBRARY_SCHEMA_VERSION)
    db.exec('COMMIT')
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw err
  }
}

/**
 * `node:sqlite` through `process.getBuiltinModule`: bundlers that do not know this prefix-only
 * module leave it alone, and its one-time "experimental" warning is not printed to users.
 */
function sqlite(): typeof NodeSqlite {
  const emit = process.emitWarning
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message
    if (/SQLite is an experimental feature/.test(text)) return
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest)
  }) as typeof process.emitWarning
  try {
    return process.getBuiltinModule('node:sqlite') as typeof NodeSqlite
  } finally {
    process.emitWarning = emit
  }
}
