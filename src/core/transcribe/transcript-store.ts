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
import { signatureOf, underLock } from '../store/file-lock'
import type { LibraryDb } from '../store/library-db'
import { atomicWrite } from '../store/safe-json-file'
import { removeUploadIfUnused } from '../uploads/upload-store'
import { exportFileName, renderExport, sanitizeFileName, type ExportContent } from './exports'
import { peaksPath } from '../media/peaks'
import * as edits from './segment-edits'

/** Transcripts indexed per transaction while start-up catches up. */
const INDEX_BATCH = 200

/** `transcripts/<id>.json`: the segments, and how many changes made them what they are. */
interface SegmentsFile {
  revision: number
  segments: Segment[]
}

/** What one change of a transcript does to its segments (and its index entry). */
interface Change<T> {
  segments: Segment[]
  result: T
  meta?: (m: TranscriptMeta) => void
}

/**
 * Finished transcripts: the index in the library database and each transcript's segments in
 * `transcripts/<id>.json` in the data folder; search, edits, exports and deletion (with the uploaded
 * media copy the web host received, never a file the user picked from their own disk).
 *
 * Every change goes through `change`: serialized per transcript in this process and across
 * processes (a lock beside the file), it reads the segments as they are on disk, applies one
 * edit to them and writes them back with the next revision — so two saves that overlap (two
 * tabs, an edit while a speaker merge saves, the app and the CLI) both land.
 */
export class TranscriptStore {
  private readonly queues = new Map<string, Promise<unknown>>()
  /** the search index caught up with every transcript (start-up indexes what it lacks) */
  private indexReady: Promise<void> = Promise.resolve()

  constructor(
    private readonly library: LibraryDb,
    private readonly events: EventBus,
    private readonly dataDir: string,
    private readonly index: LibraryIndex | null = null,
  ) {
    if (index) this.indexReady = this.catchUpIndex().catch(() => undefined)
  }

  /** Save a finished transcript: its segments file is complete before the index names it. */
  async save(meta: Omit<TranscriptMeta, 'id' | 'segmentCount' | 'preview'>, segments: Segment[]): Promise<TranscriptMeta> {
    const full: TranscriptMeta = { ...meta, id: randomUUID(), segmentCount: segments.length, preview: preview(segments) }
    await atomicWrite(this.segmentsPath(full.id), JSON.stringify({ revision: 0, segments } satisfies SegmentsFile))
    this.library.transcripts.put({ ...full, revision: 0 })
    this.indexOne(full, segments, 0)
    this.events.emit('transcripts.changed', { id: full.id, deleted: false })
    return { ...full, revision: 0 }
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
    await this.indexReady
    return this.index.search(query, limit).filter((r) => this.library.transcripts.get(r.transcriptId) !== undefined)
  }

  /**
   * Index what the index lacks or holds at another revision (transcripts saved before it
   * existed, or by a process that could not index), and drop what was deleted.
   */
  private async catchUpIndex(): Promise<void> {
    const index = this.index!
    const { stale, orphans } = index.behind()
    let batch: Parameters<LibraryIndex['putAll']>[0] = []
    for (const id of stale) {
      const t = this.library.transcripts.get(id)
      const file = t ? await this.readFile(id).catch(() => null) : null
      if (t && file) batch.push({ meta: t, segments: file.segments, revision: file.revision })
      if (batch.length >= INDEX_BATCH) {
        index.putAll(batch)
        batch = []
      }
    }
    if (batch.length) index.putAll(batch)
    for (const id of orphans) index.remove(id)
  }

  /** The index follows each change; if it cannot (a locked or full disk), start-up catches up. */
  private indexOne(meta: TranscriptMeta, segments: Segment[], revision: number): void {
    try {
      this.index?.put(meta, segments, revision)
    } catch {
      // the transcript itself is saved; the index is derived and caught up at the next start
    }
  }

  async get(id: string): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    const meta = await this.metaOf(id)
    const file = await this.readFile(id)
    return { meta: { ...meta, revision: file.revision }, segments: file.segments }
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

  /** Delete a transcript: its index entry, its segments file, and its own uploaded media copy. */
  async delete(id: string): Promise<void> {
    const meta = await this.metaOf(id)
    // under the transcript's lock: a change under way lands first, none writes the file back after
    await this.serial(id, () =>
      underLock(this.segmentsPath(id), async () => {
        const lib = this.library
        lib.transaction(() => {
          lib.transcripts.delete(id)
          for (const j of lib.jobs.where('transcriptId', id)) lib.jobs.put({ ...j, transcriptId: null })
        })
        await fs.rm(this.segmentsPath(id), { force: true })
        await fs.rm(peaksPath(this.dataDir, id), { force: true })
        try {
          this.index?.remove(id)
        } catch {
          // start-up drops what was deleted
        }
      }),
    )
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
   * One change of a transcript, serialized with every other (in this process, then across
   * processes by the lock beside its file): `fn` gets the segments as they are on disk now.
   */
  private change<T>(
    id: string,
    fn: (file: SegmentsFile) => Change<T>,
  ): Promise<{ result: T; meta: TranscriptMeta; segments: Segment[] }> {
    const file = this.segmentsPath(id)
    return this.serial(id, async () => {
      await this.metaOf(id)
      const outcome = await underLock(file, async (lock) => {
        const basedOn = await signatureOf(file)
        const current = await this.readFile(id)
        const change = fn(current)
        const revision = current.revision + 1
        await atomicWrite(file, JSON.stringify({ revision, segments: change.segments } satisfies SegmentsFile), () =>
          lock.stillOurs(basedOn),
        )
        this.library.transcripts.update(id, (m) => {
          m.updatedAt = new Date().toISOString()
          m.segmentCount = change.segments.length
          m.preview = preview(change.segments)
          m.revision = revision
          change.meta?.(m)
        })
        this.indexOne(this.indexEntry(id), change.segments, revision)
        return { result: change.result, segments: change.segments, revision }
      })
      this.events.emit('transcripts.changed', { id, deleted: false })
      return { result: outcome.result, segments: outcome.segments, meta: { ...this.indexEntry(id), revision: outcome.revision } }
    })
  }

  /** One queue per transcript in this process, so its changes take the file lock in turn. */
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
    if (!m) throw keyedError('not-found', 'transcript-not-found', {}, `No transcript ${id}`)
    return m
  }

  private async metaOf(id: string): Promise<TranscriptMeta> {
    return this.indexEntry(id)
  }

  private segmentsPath(id: string): string {
    return path.join(this.dataDir, 'transcripts', `${id}.json`)
  }

  private async readFile(id: string): Promise<SegmentsFile> {
    const text = await fs.readFile(this.segmentsPath(id), 'utf8').catch(() => {
      throw keyedError(
        'not-found',
        'transcript-file-missing',
        { folder: path.dirname(this.segmentsPath(id)) },
        `The transcript file for ${id} is missing from ${path.dirname(this.segmentsPath(id))}`,
      )
    })
    const parsed = JSON.parse(text) as { revision?: number; segments: Segment[] }
    // files written before revisions were counted start at 0
    return { revision: parsed.revision ?? 0, segments: parsed.segments }
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

function preview(segments: Segment[]): string {
  return segments
    .map((s) => s.text.trim())
    .join(' ')
    .slice(0, 200)
}
