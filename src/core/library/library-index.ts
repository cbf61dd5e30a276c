import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { LibraryDb } from '../store/library-db'
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

const HITS_PER_TRANSCRIPT = 3

/**
 * Full-text search over the whole library, in the library database's FTS5 tables (see
 * LibraryDb, which owns the file and its layout). It is derived from the transcripts' own
 * segments, which stay the record: each change of a transcript re-indexes that transcript, and
 * start-up catches up with changes another version or process made without it. Text is folded
 * before indexing (see `fold`) so Turkish casing and marks match either way.
 */
export class LibraryIndex {
  private readonly insert: StatementSync
  private readonly insertDoc: StatementSync
  private readonly clear: StatementSync
  private readonly clearDocs: StatementSync
  private readonly mark: StatementSync
  private readonly unmark: StatementSync
  private readonly query: StatementSync

  private readonly db: DatabaseSync

  constructor(private readonly lib: LibraryDb) {
    const db = lib.db
    this.db = db
    this.insert = db.prepare('INSERT INTO entries (transcript_id, segment_id, start, kind, text) VALUES (?, ?, ?, ?, ?)')
    this.insertDoc = db.prepare('INSERT INTO docs (rowid, folded) VALUES (?, ?)')
    this.clear = db.prepare('DELETE FROM entries WHERE transcript_id = ?')
    this.clearDocs = db.prepare('DELETE FROM docs WHERE rowid IN (SELECT id FROM entries WHERE transcript_id = ?)')
    this.mark = db.prepare('INSERT OR REPLACE INTO indexed (transcript_id, revision) VALUES (?, ?)')
    this.unmark = db.prepare('DELETE FROM indexed WHERE transcript_id = ?')
    this.query = db.prepare(
      // ranked inside the text index first, so only the best rows are looked up
      `SELECT e.transcript_id, e.segment_id, e.start, e.kind, e.text
       FROM (SELECT rowid, rank FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?) AS best JOIN entries e ON e.id = best.rowid
       ORDER BY best.rank`,
    )
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
    this.lib.transaction(() => {
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
    this.lib.transaction(() => {
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
}
