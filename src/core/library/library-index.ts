import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { LibraryDb } from '../store/library-db'
import { fold, markMatches, queryTerms, termMatches, type MarkedPart } from '../../shared/text-fold'
import type { Preset } from '../../shared/enhance-types'
import type { Segment, TranscriptMeta } from '../../shared/transcribe-types'

/** What one search returns for one transcript: its best hits, each with its place and words marked. */
export interface LibraryHit {
  /** -1: the file name or a speaker name matched; an enhanced hit: its piece's place in the run's text */
  segmentId: number
  start: number | null
  kind: 'name' | 'speaker' | 'segment' | 'enhanced'
  parts: MarkedPart[]
  /** an enhanced hit's run: the version of the transcript it is in */
  enhancement?: { id: string; preset: Preset; model: string }
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
/** An enhanced text is indexed in pieces of about this many characters, so a hit shows a snippet, not the whole text. */
const PIECE_CHARS = 300

/**
 * Full-text search over the whole library, in the library database's FTS5 tables (see
 * LibraryDb, which owns the file and its layout). It is derived from the transcripts' own
 * segments and their done enhancement runs' texts, which stay the record: each change of a
 * transcript re-indexes that transcript (with its runs), a run that finishes is added to its
 * transcript, and start-up catches up with changes another version or process made without it. Text is folded
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

  private readonly doneRunsOf: StatementSync
  private readonly runText: StatementSync
  private readonly linkEntry: StatementSync
  private readonly markRun: StatementSync
  private readonly clearRunLinks: StatementSync
  private readonly clearRunMarks: StatementSync
  private readonly runEntries: StatementSync
  private readonly deleteEntry: StatementSync
  private readonly deleteDoc: StatementSync
  private readonly unlinkRun: StatementSync
  private readonly unmarkRun: StatementSync
  private readonly wholeOf: StatementSync
  private readonly isIndexed: StatementSync

  private readonly db: DatabaseSync

  constructor(private readonly lib: LibraryDb) {
    const db = lib.db
    this.db = db
    // a transcript's done runs with their whole texts, by the enhancements_by_transcript index
    this.doneRunsOf = db.prepare(
      `SELECT e.id AS id, t.output AS output FROM enhancements e JOIN enhancement_texts t ON t.id = e.id
       WHERE json_extract(e.data, '$.transcriptId') = ? AND e.status = 'done' AND t.partial = 0 ORDER BY e.seq`,
    )
    this.runText = db.prepare(
      `SELECT json_extract(e.data, '$.transcriptId') AS transcript_id, t.output AS output FROM enhancements e
       JOIN enhancement_texts t ON t.id = e.id WHERE e.id = ? AND e.status = 'done' AND t.partial = 0`,
    )
    this.linkEntry = db.prepare('INSERT INTO enhanced_entries (entry_id, enhancement_id) VALUES (?, ?)')
    this.markRun = db.prepare('INSERT OR REPLACE INTO indexed_enhancements (id, transcript_id) VALUES (?, ?)')
    this.clearRunLinks = db.prepare(
      'DELETE FROM enhanced_entries WHERE entry_id IN (SELECT id FROM entries WHERE transcript_id = ?)',
    )
    this.clearRunMarks = db.prepare('DELETE FROM indexed_enhancements WHERE transcript_id = ?')
    this.runEntries = db.prepare('SELECT entry_id AS id FROM enhanced_entries WHERE enhancement_id = ?')
    this.deleteEntry = db.prepare('DELETE FROM entries WHERE id = ?')
    this.deleteDoc = db.prepare('DELETE FROM docs WHERE rowid = ?')
    this.unlinkRun = db.prepare('DELETE FROM enhanced_entries WHERE enhancement_id = ?')
    this.unmarkRun = db.prepare('DELETE FROM indexed_enhancements WHERE id = ? RETURNING transcript_id')
    this.wholeOf = db.prepare(
      `SELECT coalesce(group_concat(folded, char(10)), '') AS whole FROM
       (SELECT d.folded AS folded FROM entries e JOIN docs d ON d.rowid = e.id WHERE e.transcript_id = ? ORDER BY e.id)`,
    )
    this.isIndexed = db.prepare('SELECT 1 AS yes FROM indexed WHERE transcript_id = ?')
    this.insert = db.prepare('INSERT INTO entries (transcript_id, segment_id, start, kind, text) VALUES (?, ?, ?, ?, ?)')
    this.insertDoc = db.prepare('INSERT INTO docs (rowid, folded) VALUES (?, ?)')
    this.clear = db.prepare('DELETE FROM entries WHERE transcript_id = ?')
    this.clearDocs = db.prepare('DELETE FROM docs WHERE rowid IN (SELECT id FROM entries WHERE transcript_id = ?)')
    this.mark = db.prepare('INSERT OR REPLACE INTO indexed (transcript_id, revision) VALUES (?, ?)')
    this.unmark = db.prepare('DELETE FROM indexed WHERE transcript_id = ?')
    this.query = db.prepare(
      // ranked inside the text index first, so only the best rows are looked up
      `SELECT e.transcript_id, e.segment_id, e.start, e.kind, e.text, x.enhancement_id
       FROM (SELECT rowid, rank FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?) AS best JOIN entries e ON e.id = best.rowid
       LEFT JOIN enhanced_entries x ON x.entry_id = e.id
       ORDER BY best.rank`,
    )
    this.candidates = db.prepare(
      `SELECT i.transcript_id FROM (SELECT rowid, rank FROM transcript_docs WHERE transcript_docs MATCH ? ORDER BY rank LIMIT ? OFFSET ?) AS best
       JOIN indexed i ON i.rowid = best.rowid ORDER BY best.rank`,
    )
    this.entriesOf = db.prepare(
      `SELECT e.segment_id, e.start, e.kind, e.text, x.enhancement_id FROM entries e
       LEFT JOIN enhanced_entries x ON x.entry_id = e.id WHERE e.transcript_id = ? ORDER BY e.id`,
    )
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
    this.clearOne(meta.id)
    const whole: string[] = []
    const add = (text: string, segmentId: number, start: number | null, kind: LibraryHit['kind']) =>
      whole.push(this.addEntry(meta.id, text, segmentId, start, kind).folded)
    add(meta.fileName, -1, null, 'name')
    for (const name of Object.values(meta.speakers ?? {})) add(name, -1, null, 'speaker')
    for (const s of segments) if (s.text.trim()) add(s.text, s.id, s.start, 'segment')
    // its done runs' texts, which this index holds under it (see putEnhancement)
    for (const run of this.doneRunsOf.all(meta.id) as { id: string; output: string }[])
      whole.push(...this.addRun(meta.id, run.id, run.output))
    this.mark.run(meta.id, revision)
    const { key } = this.docKey.get(meta.id) as { key: number }
    this.insertTranscriptDoc.run(key, whole.join('\n'))
  }

  /** One indexed piece (its row, its folded text). */
  private addEntry(
    transcriptId: string,
    text: string,
    segmentId: number,
    start: number | null,
    kind: LibraryHit['kind'],
  ): { id: number; folded: string } {
    const { lastInsertRowid } = this.insert.run(transcriptId, segmentId, start, kind, text)
    const folded = fold(text)
    this.insertDoc.run(lastInsertRowid, folded)
    return { id: Number(lastInsertRowid), folded }
  }

  /** A run's text as pieces under its transcript, and the run marked indexed; the pieces' folded text. */
  private addRun(transcriptId: string, runId: string, output: string): string[] {
    const folded = piecesOf(output).map((piece, i) => {
      const entry = this.addEntry(transcriptId, piece, i, null, 'enhanced')
      this.linkEntry.run(entry.id, runId)
      return entry.folded
    })
    this.markRun.run(runId, transcriptId)
    return folded
  }

  /** The per-transcript text, made again from its pieces (an FTS row is replaced, not appended to). */
  private rebuildWhole(transcriptId: string): void {
    this.clearTranscriptDoc.run(transcriptId)
    const row = this.docKey.get(transcriptId) as { key: number } | undefined
    if (!row) return
    const { whole } = this.wholeOf.get(transcriptId) as { whole: string }
    this.insertTranscriptDoc.run(row.key, whole)
  }

  private clearOne(transcriptId: string): void {
    this.clearTranscriptDoc.run(transcriptId)
    this.clearRunLinks.run(transcriptId)
    this.clearRunMarks.run(transcriptId)
    this.clearDocs.run(transcriptId)
    this.clear.run(transcriptId)
  }

  remove(transcriptId: string): void {
    this.lib.transaction(() => {
      this.clearOne(transcriptId)
      this.unmark.run(transcriptId)
    })
  }

  /**
   * A done run of a transcript goes under that transcript (its pieces found, ranked and shown
   * like the rest): called when a run finishes, and by start-up for runs not yet indexed. A run
   * that is not done, has no transcript, or whose transcript is not indexed yet is left out (that
   * transcript's own indexing takes its runs in).
   */
  putEnhancement(id: string): void {
    this.lib.transaction(() => this.putEnhancementOne(id))
  }

  private putEnhancementOne(id: string): void {
    const run = this.runText.get(id) as { transcript_id: string | null; output: string } | undefined
    this.dropRun(id)
    if (!run?.transcript_id || !this.isIndexed.get(run.transcript_id)) return
    this.addRun(run.transcript_id, id, run.output)
    this.rebuildWhole(run.transcript_id)
  }

  /** A run's pieces out of the index (it is gone, or is indexed again). */
  private dropRun(id: string): void {
    for (const { id: entry } of this.runEntries.all(id) as { id: number }[]) {
      this.deleteDoc.run(entry)
      this.deleteEntry.run(entry)
    }
    this.unlinkRun.run(id)
    const marked = this.unmarkRun.get(id) as { transcript_id: string } | undefined
    if (marked) this.rebuildWhole(marked.transcript_id)
  }

  /**
   * Start-up, after recovery: the done runs of indexed transcripts that the index lacks (finished
   * before this release, by a process that could not index, or marked done by recovery) go in, and
   * those it holds of runs gone or no longer done come out. SQLite compares, so no run is read into
   * the process unless it is missing.
   */
  catchUpEnhancements(): { added: number; removed: number } {
    const ids = (sql: string) => (this.db.prepare(sql).all() as { id: string }[]).map((r) => r.id)
    const missing = ids(
      `SELECT e.id AS id FROM enhancements e JOIN indexed i ON i.transcript_id = json_extract(e.data, '$.transcriptId')
       JOIN enhancement_texts t ON t.id = e.id AND t.partial = 0
       LEFT JOIN indexed_enhancements x ON x.id = e.id WHERE e.status = 'done' AND x.id IS NULL ORDER BY e.seq`,
    )
    const gone = ids(
      `SELECT x.id AS id FROM indexed_enhancements x LEFT JOIN enhancements e ON e.id = x.id
       WHERE e.id IS NULL OR e.status != 'done'`,
    )
    for (let i = 0; i < missing.length; i += PAGE)
      this.lib.transaction(() => missing.slice(i, i + PAGE).forEach((id) => this.putEnhancementOne(id)))
    if (gone.length) this.lib.transaction(() => gone.forEach((id) => this.dropRun(id)))
    return { added: missing.length, removed: gone.length }
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
    const found: { hit: EntryRow; count: number }[] = []
    for (const r of this.entriesOf.all(transcriptId) as unknown as EntryRow[]) {
      const matches = termMatches(r.text, terms)
      const seen = new Set(matches.map((m) => m.term))
      const count = matches.length
      if (seen.size < terms.length) continue
      found.push({ hit: r, count })
    }
    // a stable sort: among equals, the earlier piece first
    return found
      .sort((a, b) => b.count - a.count)
      .slice(0, HITS_PER_TRANSCRIPT)
      .map((f) => this.hitOf(f.hit, terms))
  }

  /** A matching piece as a hit: its words marked, and an enhanced one with its run (looked up by key). */
  private hitOf(r: EntryRow, terms: string[]): LibraryHit {
    const hit: LibraryHit = { segmentId: r.segment_id, start: r.start, kind: r.kind, parts: markMatches(r.text, terms) }
    const run = r.enhancement_id ? this.lib.enhancements.get(r.enhancement_id) : undefined
    if (run) hit.enhancement = { id: run.id, preset: run.preset, model: run.displayName }
    return hit
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
      if (res.hits.length < HITS_PER_TRANSCRIPT) res.hits.push(this.hitOf(r, terms))
    }
    return [...results.values()]
  }
}

interface EntryRow {
  segment_id: number
  start: number | null
  kind: LibraryHit['kind']
  text: string
  enhancement_id: string | null
}

/**
 * An enhanced text in pieces of about PIECE_CHARS: its lines, a long one cut after a sentence
 * (or, a sentence longer still, after a word), so a hit is a snippet around its words.
 */
export function piecesOf(text: string): string[] {
  const pieces: string[] = []
  for (const line of text.split(/\n+/)) {
    let piece = ''
    // a run with no space in it (Japanese, Chinese) is cut at the longest piece's length
    const max = PIECE_CHARS * 1.5
    const words = line
      .split(/(?<=\s)/)
      .flatMap((w) => (w.length <= max ? [w] : (w.match(new RegExp(`[^]{1,${max}}`, 'gu')) ?? [])))
    for (const word of words) {
      piece += word
      const sentenceEnd = /[.!?…]\s*$/.test(piece)
      if (piece.length >= PIECE_CHARS * 1.5 || (piece.length >= PIECE_CHARS && sentenceEnd)) {
        pieces.push(piece.trim())
        piece = ''
      }
    }
    if (piece.trim()) pieces.push(piece.trim())
  }
  return pieces.filter((p) => p.length > 0)
}
