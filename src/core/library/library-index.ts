import { chmodSync, closeSync, openSync, promises as fs } from 'node:fs'
import path from 'node:path'
import type * as NodeSqlite from 'node:sqlite'
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { PRIVATE_FILE_MODE } from '../store/safe-json-file'
import { fold, markMatches, queryTerms, type MarkedPart } from '../../shared/text-fold'
import type { Segment, TranscriptMeta } from '../../shared/transcribe-types'

/** What one search returns for one transcript: its best hits, each with its place and words marked. */
export interface LibraryHit {
  /** -1: the file name or a speaker name matched, not a segment */
  segmentId: number
  start: number | null
  kind: 'name' | 'speaker' | 'segment'
  parts: MarkedPart[]
}
export interface LibraryResult {
  transcriptId: string
  hits: LibraryHit[]
}

/** The index's own layout; a file of another version is rebuilt (it is derived data). */
const INDEX_VERSION = 1
const HITS_PER_TRANSCRIPT = 3
const BUSY_TIMEOUT_MS = 10_000

/**
 * Full-text search over the whole library, in `library.db` (SQLite through Node's built-in
 * `node:sqlite`, FTS5). It is derived from the transcripts' own files, which stay the record:
 * each change of a transcript re-indexes that transcript, start-up catches up with changes
 * another version or process made without it, and a damaged or foreign file is moved aside and
 * rebuilt. Text is folded before indexing (see `fold`) so Turkish casing and marks match either
 * way. WAL mode with a busy timeout: several processes read and write it at once.
 */
export class LibraryIndex {
  private readonly insert: StatementSync
  private readonly insertDoc: StatementSync
  private readonly clear: StatementSync
  private readonly clearDocs: StatementSync
  private readonly mark: StatementSync
  private readonly unmark: StatementSync
  private readonly query: StatementSync

  private constructor(private readonly db: DatabaseSync) {
    this.insert = db.prepare('INSERT INTO entries (transcript_id, segment_id, start, kind, text) VALUES (?, ?, ?, ?, ?)')
    this.insertDoc = db.prepare('INSERT INTO docs (rowid, folded) VALUES (?, ?)')
    this.clear = db.prepare('DELETE FROM entries WHERE transcript_id = ?')
    this.clearDocs = db.prepare('DELETE FROM docs WHERE rowid IN (SELECT id FROM entries WHERE transcript_id = ?)')
    this.mark = db.prepare('INSERT OR REPLACE INTO indexed (transcript_id, revision) VALUES (?, ?)')
    this.unmark = db.prepare('DELETE FROM indexed WHERE transcript_id = ?')
    this.query = db.prepare(
      `SELECT e.transcript_id, e.segment_id, e.start, e.kind, e.text FROM docs JOIN entries e ON e.id = docs.rowid
       WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?`,
    )
  }

  static async open(dataDir: string): Promise<LibraryIndex> {
    const file = path.join(dataDir, 'library.db')
    try {
      return new LibraryIndex(openAt(file))
    } catch {
      // not a database, cut short, or another layout: the transcripts are the record, so the
      // index is kept aside and made anew from them
      const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
      await fs.rename(file, aside).catch(() => undefined)
      for (const f of [`${file}-wal`, `${file}-shm`]) await fs.rm(f, { force: true })
      return new LibraryIndex(openAt(file))
    }
  }

  /** Which transcripts the index holds, at which revision. */
  revisions(): Map<string, number> {
    const rows = this.db.prepare('SELECT transcript_id, revision FROM indexed').all() as {
      transcript_id: string
      revision: number
    }[]
    return new Map(rows.map((r) => [r.transcript_id, r.revision]))
  }

  /** Replace what the index holds for one transcript, in one transaction. */
  put(meta: TranscriptMeta, segments: Segment[], revision: number): void {
    this.putAll([{ meta, segments, revision }])
  }

  /** Several at once (start-up catching up), one transaction for all. */
  putAll(docs: { meta: TranscriptMeta; segments: Segment[]; revision: number }[]): void {
    this.transaction(() => {
      for (const d of docs) this.putOne(d.meta, d.segments, d.revision)
    })
  }

  private putOne(meta: TranscriptMeta, segments: Segment[], revision: number): void {
    this.clearDocs.run(meta.id)
    this.clear.run(meta.id)
    const add = (text: string, segmentId: number, start: number | null, kind: LibraryHit['kind']) => {
      const { lastInsertRowid } = this.insert.run(meta.id, segmentId, start, kind, text)
      this.insertDoc.run(lastInsertRowid, fold(text))
    }
    add(meta.fileName, -1, null, 'name')
    for (const name of Object.values(meta.speakers ?? {})) add(name, -1, null, 'speaker')
    for (const s of segments) if (s.text.trim()) add(s.text, s.id, s.start, 'segment')
    this.mark.run(meta.id, revision)
  }

  remove(transcriptId: string): void {
    this.transaction(() => {
      this.clearDocs.run(transcriptId)
      this.clear.run(transcriptId)
      this.unmark.run(transcriptId)
    })
  }

  /**
   * Transcripts whose name, speakers or text hold every word of `query` (each as a word start),
   * best first by BM25, with up to three hits each.
   */
  search(query: string, limit = 50): LibraryResult[] {
    const terms = queryTerms(query)
    if (terms.length === 0) return []
    // each term a quoted prefix, all of them required: no FTS syntax from the user gets through
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' AND ')
    const rows = this.query.all(match, limit * HITS_PER_TRANSCRIPT * 4) as {
      transcript_id: string
      segment_id: number
      start: number | null
      kind: LibraryHit['kind']
      text: string
    }[]
    const results = new Map<string, LibraryResult>()
    for (const r of rows) {
      let res = results.get(r.transcript_id)
      if (!res) {
        if (results.size >= limit) continue
        res = { transcriptId: r.transcript_id, hits: [] }
        results.set(r.transcript_id, res)
      }
      if (res.hits.length < HITS_PER_TRANSCRIPT)
        res.hits.push({ segmentId: r.segment_id, start: r.start, kind: r.kind, parts: markMatches(r.text, terms) })
    }
    return [...results.values()]
  }

  close(): void {
    if (this.db.isOpen) this.db.close()
  }

  private transaction(fn: () => void): void {
    // IMMEDIATE: take the write lock at the start, so two processes queue instead of deadlocking
    this.db.exec('BEGIN IMMEDIATE')
    try {
      fn()
      this.db.exec('COMMIT')
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
  }
}

function openAt(file: string): DatabaseSync {
  const { DatabaseSync } = sqlite()
  // private like everything in the data folder; SQLite gives its -wal and -shm files the same mode
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE))
  chmodSync(file, PRIVATE_FILE_MODE)
  const db = new DatabaseSync(file)
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.exec('PRAGMA journal_mode = WAL')
    // derived data: a commit lost to a power cut is re-indexed at the next start
    db.exec('PRAGMA synchronous = NORMAL')
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version
    if (version !== 0 && version !== INDEX_VERSION) throw new Error(`library.db has layout ${version}`)
    db.exec(`
      -- what each indexed piece is (kept apart from the text index, so one transcript's rows are found by key)
      CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY, transcript_id TEXT NOT NULL, segment_id INTEGER NOT NULL, start REAL, kind TEXT NOT NULL, text TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS entries_by_transcript ON entries (transcript_id);
      -- the folded text, rowid = entries.id
      CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(folded, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TABLE IF NOT EXISTS indexed (transcript_id TEXT PRIMARY KEY, revision INTEGER NOT NULL);
      PRAGMA user_version = ${INDEX_VERSION};
    `)
    // a file that opens but is not a database fails here, on its first read
    db.prepare('SELECT count(*) FROM indexed').get()
    return db
  } catch (err) {
    db.close()
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
