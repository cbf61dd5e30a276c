import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { keyedError } from '../../shared/errors'
import {
  HISTORY_MATCHES_MAX,
  HISTORY_PAGE_MAX,
  type DocumentOptions,
  type ExportFormat,
  type Segment,
  type SubtitleRules,
  type TranscriptMeta,
  type TranscriptPage,
} from '../../shared/transcribe-types'
import type { EventBus } from '../event-bus'
import type { LibraryIndex, LibraryResult } from '../library/library-index'
import type { LibraryDb, SegmentsRow } from '../store/library-db'
import { removeUploadIfUnused } from '../uploads/upload-store'
import { exportFileName, renderExport, sanitizeFileName, type ExportContent } from './exports'
import { peaksPath } from '../media/peaks'
import * as edits from './segment-edits'

/** Transcripts indexed (or imported from their old files) per transaction while start-up catches up. */
const INDEX_BATCH = 200

/** What one change of a transcript does to its segments (and its index entry). */
interface Change<T> {
  segments: Segment[]
  result: T
  meta?: (m: TranscriptMeta) => void
}

/**
 * Finished transcripts: the index entry and the segments of each, in the library database;
 * search, edits, exports and deletion (with the uploaded media copy the web host received, never
 * a file the user picked from their own disk).
 *
 * Every change goes through `change`: one write transaction (SQLite lets one process write at a
 * time, the others wait) that reads the segments as they are now, applies one edit and writes
 * them, the entry and the search rows with the next revision — so two saves that overlap (two
 * tabs, an edit while a speaker merge saves, the app and the CLI) both land, and the segments,
 * the entry and the index never disagree.
 *
 * Earlier releases kept the segments in `transcripts/<id>.json`. Opening imports those files (a
 * transcript without a row); they are left as they are, the previous release's copy, never read
 * again once imported, and removed with their transcript.
 */
export class TranscriptStore {
  private readonly queues = new Map<string, Promise<unknown>>()
  /** the old segment files imported, then the search index caught up with every transcript */
  private readonly ready: Promise<void>
  /** set by close: the start-up work stops after the batch it is in (the next start goes on from there) */
  private closing = false

  constructor(
    private readonly library: LibraryDb,
    private readonly events: EventBus,
    private readonly dataDir: string,
    private readonly index: LibraryIndex | null = null,
  ) {
    // neither may stop the start: a file not imported is tried again when its transcript is
    // opened (and at the next start), an index not caught up at the next start
    this.ready = this.importFiles()
      .catch(() => undefined)
      .then(() => (index ? this.catchUpIndex() : undefined))
      .catch(() => undefined)
  }

  /** Save a finished transcript: its segments, its entry and its search rows in one transaction. */
  async save(meta: Omit<TranscriptMeta, 'id' | 'segmentCount' | 'preview'>, segments: Segment[]): Promise<TranscriptMeta> {
    const full: TranscriptMeta = {
      ...meta,
      id: randomUUID(),
      segmentCount: segments.length,
      preview: preview(segments),
      revision: 0,
    }
    const lib = this.library
    lib.transaction(() => {
      lib.segments.put(full.id, { revision: 0, segments })
      lib.transcripts.put(full)
      this.index?.put(full, segments, 0)
    })
    this.events.emit('transcripts.changed', { id: full.id, deleted: false })
    return full
  }

  /** Stop the start-up work after its current batch, and wait for it, before the database closes. */
  async close(): Promise<void> {
    this.closing = true
    await this.ready
  }

  /** A page of transcripts, newest first; the query matches file names, speakers and the transcript text. */
  async list(
    query = '',
    page: { limit: number; offset: number } = { limit: HISTORY_PAGE_MAX, offset: 0 },
  ): Promise<TranscriptPage> {
    const ids = query.trim() ? (await this.search(query, HISTORY_MATCHES_MAX)).map((r) => r.transcriptId) : undefined
    return this.library.transcripts.page(page.limit, page.offset, ids)
  }

  /** The library's full-text search, best first (see LibraryIndex). */
  async search(query: string, limit = 50): Promise<LibraryResult[]> {
    if (!this.index) return []
    await this.ready
    return this.index.search(query, limit).filter((r) => this.library.transcripts.get(r.transcriptId) !== undefined)
  }

  /**
   * Bring the segments of transcripts an earlier release saved (`transcripts/<id>.json`) into
   * library.db, a batch per transaction. Each row is taken only where none is yet, so two
   * processes starting at once, or a start after one killed mid-way, import each file once and
   * never over a newer edit. A file missing or unreadable is skipped: opening that transcript
   * says so, and a file put back is imported then.
   */
  private async importFiles(): Promise<void> {
    const missing = this.library.segments.missing()
    for (let i = 0; i < missing.length && !this.closing; i += INDEX_BATCH) {
      const batch: { id: string; row: SegmentsRow }[] = []
      for (const id of missing.slice(i, i + INDEX_BATCH)) {
        const row = await this.readOldFile(id)
        if (row) batch.push({ id, row })
      }
      this.library.transaction(() => {
        for (const { id, row } of batch) this.library.segments.adopt(id, row)
      })
    }
  }

  /** A transcript's segments as an earlier release's file holds them; null when it cannot be read. */
  private async readOldFile(id: string): Promise<SegmentsRow | null> {
    try {
      const parsed = JSON.parse(await fs.readFile(this.oldFilePath(id), 'utf8')) as { revision?: unknown; segments?: unknown }
      if (!Array.isArray(parsed.segments)) return null
      // files written before revisions were counted start at 0
      return { revision: typeof parsed.revision === 'number' ? parsed.revision : 0, segments: parsed.segments as Segment[] }
    } catch {
      return null
    }
  }

  /**
   * Index what the index lacks or holds at another revision (transcripts saved before it
   * existed, or imported from an earlier release's file), and drop what was deleted.
   */
  private async catchUpIndex(): Promise<void> {
    const index = this.index!
    const { stale, orphans } = index.behind()
    for (let i = 0; i < stale.length; i += INDEX_BATCH) {
      // between batches the process answers calls (a library of thousands takes seconds), and a close stops it
      await new Promise((resolve) => setImmediate(resolve))
      if (this.closing) return
      const batch: Parameters<LibraryIndex['putAll']>[0] = []
      for (const id of stale.slice(i, i + INDEX_BATCH)) {
        const t = this.library.transcripts.get(id)
        const row = t ? this.library.segments.get(id) : undefined
        if (t && row) batch.push({ meta: t, segments: row.segments, revision: row.revision })
      }
      index.putAll(batch)
    }
    for (const id of orphans) index.remove(id)
  }

  async get(id: string): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    await this.importIfMissing(id)
    const found = this.library.segments.withEntry(id)
    if (!found) throw notFound(id)
    const row = found.row ?? this.segmentsOf(id)
    return { meta: { ...found.meta, revision: row.revision }, segments: row.segments }
  }

  /**
   * An edited segment is what exports and enhancement use from then on. A save made on an older
   * revision (another tab or process changed the transcript since) is merged when this segment
   * still reads `previousText`, and refused with what it reads now when it was changed meanwhile.
   */
  async updateSegment(
    id: string,
    segmentId: number,
    text: string,
    seen: { revision?: number; previousText?: string } = {},
  ): Promise<TranscriptMeta> {
    const { meta } = await this.change(id, (file) => {
      const seg = file.segments.find((s) => s.id === segmentId)
      if (!seg)
        throw keyedError(
          'not-found',
          'segment-not-found',
          { segment: segmentId + 1 },
          `No segment ${segmentId} in transcript ${id}`,
        )
      const stale = seen.revision !== undefined && seen.revision < file.revision
      if (stale && seg.text !== text && seg.text !== seen.previousText) {
        throw keyedError(
          'conflict',
          'segment-conflict',
          { segment: segmentId + 1, text: seg.text.trim().slice(0, 120) },
          `Segment ${segmentId + 1} was changed in another window or command since you opened it; it now reads “${seg.text.trim().slice(0, 120)}”. Your text was not saved: copy it, reload the transcript and edit again.`,
        )
      }
      const segments = file.segments.map((s) =>
        s.id === segmentId ? (({ words: _words, ...rest }) => ({ ...rest, text }))(s) : s,
      )
      // the engine's word timing described the old words: an edited segment keeps only its own times
      return { segments, result: undefined }
    })
    return meta
  }

  async exportText(
    id: string,
    format: ExportFormat,
    subtitles?: Partial<SubtitleRules>,
    document?: Partial<DocumentOptions>,
  ): Promise<ExportContent & { fileName: string }> {
    const { meta, segments } = await this.get(id)
    const out = await renderExport(
      segments,
      format,
      { fileName: meta.fileName, language: meta.language, speakers: meta.speakers, frameRate: meta.frameRate },
      subtitles,
      document,
    )
    return { fileName: exportFileName(sanitizeFileName(meta.fileName), format), ...out }
  }

  /**
   * Put each run's `replacement` where its `count` segments from position `at` are (runs in
   * order, apart); every other segment — edits included — stays as it is. Each run's `expected`
   * segments must still be there (compared without ids), and the transcript still `length` long,
   * as when the work began: otherwise nothing is written. Ids are renumbered in order.
   */
  async replaceRuns(id: string, runs: SegmentRun[], length: number): Promise<Segment[]> {
    const { segments } = await this.change(id, (file) => {
      const segments = file.segments
      const stale =
        segments.length !== length ||
        runs.some((r, k) => {
          const slice = segments.slice(r.at, r.at + r.count)
          const apart = k === 0 || runs[k - 1]!.at + runs[k - 1]!.count <= r.at
          return !apart || slice.length !== r.count || !sameSegments(slice, r.expected)
        })
      if (stale)
        throw keyedError(
          'invalid-input',
          'segments-changed',
          {},
          'Those segments were edited or replaced meanwhile, so they were left as they are now. Choose them again.',
        )
      const next: Segment[] = []
      let i = 0
      for (const r of runs) {
        next.push(...segments.slice(i, r.at), ...r.replacement)
        i = r.at + r.count
      }
      next.push(...segments.slice(i))
      return { segments: next.map((s, k) => ({ ...s, id: k })), result: undefined }
    })
    return segments
  }

  /**
   * Speakers changed (detected, renamed, merged, reassigned): `fn` gets the segments and names as
   * they are now and returns both changed; they are written together (and a notice of an
   * earlier failed detection is cleared).
   */
  async updateSpeakers(
    id: string,
    fn: (segments: Segment[], meta: TranscriptMeta) => { segments: Segment[]; names: Record<string, string> | undefined },
  ): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    const { meta, segments } = await this.change(id, (file) => {
      const next = fn(file.segments, this.indexEntry(id))
      return {
        segments: next.segments,
        result: undefined,
        meta: (m) => {
          if (next.names) m.speakers = next.names
          else delete m.speakers
          delete m.speakerNotice
          delete m.speakerNoticeError
        },
      }
    })
    return { meta, segments }
  }

  /**
   * Why speaker detection left the transcript as it was: noted beside it, its segments untouched.
   * `error` (its code, key and values) lets the editor word it in its language; `notice` is the
   * English, for the CLI and for a version that does not know `error`.
   */
  async setSpeakerNotice(id: string, notice: string, error?: TranscriptMeta['speakerNoticeError']): Promise<void> {
    await this.metaOf(id)
    this.library.transcripts.update(id, (t) => {
      // a notice as long as the contract keeps (an engine's own words can run longer), never a failed save
      t.speakerNotice = notice.length > 500 ? `${notice.slice(0, 499)}…` : notice
      if (error) t.speakerNoticeError = error
      else delete t.speakerNoticeError
    })
    this.events.emit('transcripts.changed', { id, deleted: false })
  }

  /**
   * Delete a transcript: its entry, segments and search rows (one transaction), the earlier
   * release's copy of its segments, and its own uploaded media copy.
   */
  async delete(id: string): Promise<void> {
    const meta = await this.metaOf(id)
    // in the transcript's queue: a change of this process under way lands first
    await this.serial(id, async () => {
      const lib = this.library
      lib.transaction(() => {
        lib.transcripts.delete(id)
        lib.segments.delete(id)
        for (const j of lib.jobs.where('transcriptId', id)) lib.jobs.put({ ...j, transcriptId: null })
        this.index?.remove(id)
      })
      // after the commit: a transcript still listed never loses the copy it could be restored from
      await fs.rm(this.oldFilePath(id), { force: true })
      await fs.rm(peaksPath(this.dataDir, id), { force: true })
    })
    // only its own per-upload folder, and only when no other job or transcript needs it
    await removeUploadIfUnused(this.dataDir, meta.mediaPath, this.library)
    this.events.emit('transcripts.changed', { id, deleted: true })
  }

  // --- the editor's segment tools: each one change, on the segments as they are now ---

  async splitSegment(id: string, segmentId: number, at?: number): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    return this.edit(id, (segments) => edits.splitSegment(segments, segmentId, at))
  }

  async mergeSegments(id: string, segmentId: number): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    return this.edit(id, (segments) => edits.mergeWithNext(segments, segmentId))
  }

  async deleteSegment(id: string, segmentId: number): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    return this.edit(id, (segments) => edits.deleteSegment(segments, segmentId))
  }

  async setSegmentTimes(
    id: string,
    segmentId: number,
    start: number,
    end: number,
  ): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    return this.edit(id, (segments) => edits.setTimes(segments, segmentId, start, end, this.indexEntry(id).durationSec))
  }

  /** Every match across the transcript, folded in its own language (Turkish I/ı, İ/i) unless case matters. */
  async replaceAll(
    id: string,
    find: string,
    replacement: string,
    opts: { wholeWord: boolean; matchCase: boolean },
  ): Promise<{ meta: TranscriptMeta; segments: Segment[]; replaced: number }> {
    const { meta, segments, result } = await this.change(id, (file) => {
      const r = edits.replaceAcross(file.segments, find, replacement, { ...opts, language: this.indexEntry(id).language })
      return { segments: r.segments, result: r.count }
    })
    return { meta, segments, replaced: result }
  }

  /** The names and jargon whisper is told to expect when this transcript's audio is transcribed again. */
  async setPrompt(id: string, prompt: string): Promise<TranscriptMeta> {
    const { meta } = await this.change(id, (file) => ({
      segments: file.segments,
      result: undefined,
      meta: (m) => {
        if (prompt.trim()) m.prompt = prompt.trim()
        else delete m.prompt
      },
    }))
    return meta
  }

  private async edit(id: string, fn: (segments: Segment[]) => Segment[]): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    const { meta, segments } = await this.change(id, (file) => ({ segments: fn(file.segments), result: undefined }))
    return { meta, segments }
  }

  mediaPath(id: string): string {
    return this.indexEntry(id).mediaPath
  }

  /**
   * One change of a transcript, one write transaction: `fn` gets the segments as they are now
   * (no other process writes between this read and the write), and the segments, the entry and
   * the search rows are written together, or — if any of them fails — none is.
   */
  private change<T>(
    id: string,
    fn: (row: SegmentsRow) => Change<T>,
  ): Promise<{ result: T; meta: TranscriptMeta; segments: Segment[] }> {
    return this.serial(id, async () => {
      await this.importIfMissing(id)
      const lib = this.library
      const outcome = lib.transaction(() => {
        this.indexEntry(id)
        const current = this.segmentsOf(id)
        const change = fn(current)
        const revision = current.revision + 1
        lib.segments.put(id, { revision, segments: change.segments })
        const meta = lib.transcripts.update(id, (m) => {
          m.updatedAt = new Date().toISOString()
          m.segmentCount = change.segments.length
          m.preview = preview(change.segments)
          m.revision = revision
          change.meta?.(m)
        })!
        this.index?.put(meta, change.segments, revision)
        return { result: change.result, segments: change.segments, meta }
      })
      this.events.emit('transcripts.changed', { id, deleted: false })
      return outcome
    })
  }

  /** One queue per transcript in this process: its changes (and its deletion) in the order they were asked for. */
  private serial<T>(id: string, task: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(id) ?? Promise.resolve()).then(task)
    const tail = run.catch(() => undefined)
    this.queues.set(id, tail)
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id)
    })
    return run
  }

  /** The index entry as it is now. */
  private indexEntry(id: string): TranscriptMeta {
    const m = this.library.transcripts.get(id)
    if (!m) throw notFound(id)
    return m
  }

  private async metaOf(id: string): Promise<TranscriptMeta> {
    return this.indexEntry(id)
  }

  /** Where an earlier release kept this transcript's segments. */
  private oldFilePath(id: string): string {
    return path.join(this.dataDir, 'transcripts', `${id}.json`)
  }

  /**
   * A transcript listed without segments: its earlier release's file, if it is there (again)
   * now. Opening or changing one does not wait for start-up's import of the whole library.
   */
  private async importIfMissing(id: string): Promise<void> {
    if (this.library.segments.get(id) || !this.library.transcripts.get(id)) return
    const row = await this.readOldFile(id)
    if (row) this.library.transaction(() => this.library.segments.adopt(id, row))
  }

  /** The segments as they are now; a transcript listed without them was never imported from its file. */
  private segmentsOf(id: string): SegmentsRow {
    const row = this.library.segments.get(id)
    if (row) return row
    const folder = path.dirname(this.oldFilePath(id))
    throw keyedError(
      'not-found',
      'transcript-file-missing',
      { folder },
      `The transcript file for ${id} is missing from ${folder}`,
    )
  }
}

/** Segments `count` long from position `at`, to be replaced by `replacement` (see replaceRuns). */
export interface SegmentRun {
  at: number
  count: number
  /** the segments that must be at those positions now (their ids aside) */
  expected: Segment[]
  replacement: Segment[]
}

/** The same segments, ids aside (positions change when a run before them is replaced). */
export function sameSegments(a: Segment[], b: Segment[]): boolean {
  const plain = (list: Segment[]) => JSON.parse(JSON.stringify(list.map((s) => ({ ...s, id: 0 })))) as unknown
  return a.length === b.length && isDeepStrictEqual(plain(a), plain(b))
}

function notFound(id: string): Error {
  return keyedError('not-found', 'transcript-not-found', {}, `No transcript ${id}`)
}

function preview(segments: Segment[]): string {
  return segments
    .map((s) => s.text.trim())
    .join(' ')
    .slice(0, 200)
}
