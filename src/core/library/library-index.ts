import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { LibraryDb } from '../store/library-db'
import { fold, markMatches, queryTerms, termMatches, type MarkedPart } from '../../shared/text-fold'
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
/** transcripts ranked at a time; each is then read whole to find the pieces that hold every word */
const PAGE = 100
/**
 * After this many transcripts that hold every word but never in one piece, the search asks the
 * segment index instead (slower, the same answer): a query of two common words rarely said together.
 */
const MAX_CANDIDATES = 2_000

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
  private readonly candidates: StatementSync
  private readonly entriesOf: StatementSync
  private readonly docKey: StatementSync
  private readonly insertTranscriptDoc: StatementSync
  private readonly clearTranscriptDoc: StatementSync

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
    this.candidates = db.prepare(
      `SELECT i.transcript_id FROM (SELECT rowid, rank FROM transcript_docs WHERE transcript_docs MATCH ? ORDER BY rank LIMIT ? OFFSET ?) AS best
       JOIN indexed i ON i.rowid = best.rowid ORDER BY best.rank`,
    )
    this.entriesOf = db.prepare('SELECT segment_id, start, kind, text FROM entries WHERE transcript_id = ? ORDER BY id')
    this.docKey = db.prepare('SELECT rowid AS key FROM indexed WHERE transcript_id = ?')
    this.insertTranscriptDoc = db.prepare('INSERT INTO transcript_docs (rowid, folded) VALUES (?, ?)')
    this.clearTranscriptDoc = db.prepare(
      'DELETE FROM transcript_docs WHERE rowid = (SELECT rowid FROM indexed WHERE transcript_id = ?)',
    )
  }

  /**
   * The transcripts the index lacks or holds at another revision, oldest first, and what it holds
   * of transcripts that are gone: compared by SQLite, so start-up reads no whole table (at 50,000
   * past files that was a second and hundreds of MB).
   */
  behind(): { stale: string[]; orphans: string[] } {
    const ids = (sql: string) => (this.db.prepare(sql).all() as { id: string }[]).map((r) => r.id)
    return {
      stale: ids(
        `SELECT t.id AS id FROM transcripts t LEFT JOIN indexed i ON i.transcript_id = t.id
         WHERE i.revision IS NULL OR i.revision != coalesce(json_extract(t.data, '$.revision'), 0) ORDER BY t.seq`,
      ),
      orphans: ids('SELECT transcript_id AS id FROM indexed WHERE transcript_id NOT IN (SELECT id FROM transcripts)'),
    }
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
    this.clearTranscriptDoc.run(meta.id)
    this.clearDocs.run(meta.id)
    this.clear.run(meta.id)
    const whole: string[] = []
    const add = (text: string, segmentId: number, start: number | null, kind: LibraryHit['kind']) => {
      const { lastInsertRowid } = this.insert.run(meta.id, segmentId, start, kind, text)
      const folded = fold(text)
      this.insertDoc.run(lastInsertRowid, folded)
      whole.push(folded)
    }
    add(meta.fileName, -1, null, 'name')
    for (const name of Object.values(meta.speakers ?? {})) add(name, -1, null, 'speaker')
    for (const s of segments) if (s.text.trim()) add(s.text, s.id, s.start, 'segment')
    this.mark.run(meta.id, revision)
    const { key } = this.docKey.get(meta.id) as { key: number }
    this.insertTranscriptDoc.run(key, whole.join('\n'))
  }

  remove(transcriptId: string): void {
    this.lib.transaction(() => {
      this.clearTranscriptDoc.run(transcriptId)
      this.clearDocs.run(transcriptId)
      this.clear.run(transcriptId)
      this.unmark.run(transcriptId)
    })
  }

  /**
   * Transcripts with a piece (name, a speaker, a segment) that holds every word of `query` (each
   * as a word start), best first by BM25 over the whole transcript, with up to three such pieces
   * each (those with the most matching words first).
   *
   * The transcripts are ranked in the per-transcript index, and only the best are read piece by
   * piece: the cost follows the results asked for, not the size of the library.
   */
  search(query: string, limit = 50): LibraryResult[] {
    const terms = queryTerms(query)
    if (terms.length === 0) return []
    // each term a quoted prefix, all of them required: no FTS syntax from the user gets through
    const match = terms.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' AND ')
    const results: LibraryResult[] = []
    for (let offset = 0; results.length < limit; offset += PAGE) {
      if (offset >= MAX_CANDIDATES) return this.searchSegments(match, terms, limit, results)
      const page = this.candidates.all(match, PAGE, offset) as { transcript_id: string }[]
      for (const { transcript_id: id } of page) {
        const hits = this.hitsIn(id, terms)
        if (hits.length) results.push({ transcriptId: id, hits })
        if (results.length >= limit) break
      }
      if (page.length < PAGE) break
    }
    return results
  }

  /** The pieces of one transcript that hold every term, most matching words first. */
  private hitsIn(transcriptId: string, terms: string[]): LibraryHit[] {
    const found: { hit: LibraryHit; count: number }[] = []
    for (const r of this.entriesOf.all(transcriptId) as unknown as EntryRow[]) {
      const matches = termMatches(r.text, terms)
      const seen = new Set(matches.map((m) => m.term))
      const count = matches.length
      if (seen.size < terms.length) continue
      found.push({ hit: { segmentId: r.segment_id, start: r.start, kind: r.kind, parts: markMatches(r.text, terms) }, count })
    }
    // a stable sort: among equals, the earlier piece first
    return found
      .sort((a, b) => b.count - a.count)
      .slice(0, HITS_PER_TRANSCRIPT)
      .map((f) => f.hit)
  }

  /** The rest of the results from the segment index, after `so far` (see MAX_CANDIDATES). */
  private searchSegments(match: string, terms: string[], limit: number, soFar: LibraryResult[]): LibraryResult[] {
    const rows = this.query.all(match, limit * HITS_PER_TRANSCRIPT * 4) as unknown as (EntryRow & { transcript_id: string })[]
    const results = new Map<string, LibraryResult>(soFar.map((r) => [r.transcriptId, r]))
    const already = new Set(results.keys())
    for (const r of rows) {
      if (already.has(r.transcript_id)) continue
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

interface EntryRow {
  segment_id: number
  start: number | null
  kind: LibraryHit['kind']
  text: string
}
