import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { AppError } from '../../shared/errors'
import type { DocumentOptions, ExportFormat, Segment, SubtitleRules, TranscriptMeta } from '../../shared/transcribe-types'
import type { EventBus } from '../event-bus'
import { atomicWrite } from '../store/safe-json-file'
import type { Store } from '../store/store'
import { removeUploadIfUnused } from '../uploads/upload-store'
import { exportFileName, render, sanitizeFileName } from './exports'

/**
 * Finished transcripts: the index in db.json and each transcript's segments in
 * `transcripts/<id>.json` beside it; search, edits, exports and deletion (with the uploaded
 * media copy the web host received, never a file the user picked from their own disk).
 */
export class TranscriptStore {
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly dataDir: string,
  ) {}

  /** Save a finished transcript: its segments file is complete before the index names it. */
  async save(meta: Omit<TranscriptMeta, 'id' | 'segmentCount' | 'preview'>, segments: Segment[]): Promise<TranscriptMeta> {
    const full: TranscriptMeta = { ...meta, id: randomUUID(), segmentCount: segments.length, preview: preview(segments) }
    await atomicWrite(this.segmentsPath(full.id), JSON.stringify({ segments }))
    await this.store.mutate((db) => {
      db.transcripts.push(full)
    })
    return full
  }

  /** Transcripts, newest first; the query matches file names and the transcript text. */
  async list(query = ''): Promise<TranscriptMeta[]> {
    const all = [...this.store.data.transcripts].reverse()
    const q = query.trim().toLocaleLowerCase()
    if (!q) return all
    const hits: TranscriptMeta[] = []
    for (const t of all) {
      if (t.fileName.toLocaleLowerCase().includes(q)) hits.push(t)
      else if ((await this.segments(t.id)).some((s) => s.text.toLocaleLowerCase().includes(q))) hits.push(t)
    }
    return hits
  }

  async get(id: string): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    return { meta: this.meta(id), segments: await this.segments(id) }
  }

  /** An edited segment is what exports and enhancement use from then on. */
  async updateSegment(id: string, segmentId: number, text: string): Promise<TranscriptMeta> {
    const segments = await this.segments(id)
    const seg = segments.find((s) => s.id === segmentId)
    if (!seg) throw new AppError('not-found', `No segment ${segmentId} in transcript ${id}`)
    seg.text = text
    // the engine's word timing described the old words: an edited segment keeps only its own times
    delete seg.words
    await atomicWrite(this.segmentsPath(id), JSON.stringify({ segments }))
    await this.store.mutate((db) => {
      const m = db.transcripts.find((t) => t.id === id)!
      m.updatedAt = new Date().toISOString()
      m.preview = preview(segments)
    })
    this.events.emit('transcripts.changed', { id, deleted: false })
    return this.meta(id)
  }

  async exportText(
    id: string,
    format: ExportFormat,
    subtitles?: Partial<SubtitleRules>,
    document?: Partial<DocumentOptions>,
  ): Promise<{ fileName: string; content: string }> {
    const { meta, segments } = await this.get(id)
    return {
      fileName: exportFileName(sanitizeFileName(meta.fileName), format),
      content: render(
        segments,
        format,
        { fileName: meta.fileName, language: meta.language, speakers: meta.speakers, frameRate: meta.frameRate },
        subtitles,
        document,
      ),
    }
  }

  /**
   * Put `replacement` where segments `from`..`to` (ids, inclusive) were; every other segment —
   * edits included — stays as it is. Ids are renumbered in order.
   */
  async replaceRange(id: string, from: number, to: number, replacement: Segment[]): Promise<Segment[]> {
    const segments = await this.segments(id)
    const i = segments.findIndex((s) => s.id === from)
    const j = segments.findIndex((s) => s.id === to)
    if (i < 0 || j < i) throw new AppError('invalid-input', `No segments ${from} to ${to} in transcript ${id}`)
    const next = [...segments.slice(0, i), ...replacement, ...segments.slice(j + 1)].map((s, k) => ({ ...s, id: k }))
    await atomicWrite(this.segmentsPath(id), JSON.stringify({ segments: next }))
    await this.store.mutate((db) => {
      const m = db.transcripts.find((t) => t.id === id)!
      m.updatedAt = new Date().toISOString()
      m.preview = preview(next)
      m.segmentCount = next.length
    })
    this.events.emit('transcripts.changed', { id, deleted: false })
    return next
  }

  /**
   * Speakers changed (detected, renamed, merged, reassigned): the segments and the names are
   * written together (and a notice of an earlier failed detection is cleared).
   */
  async setSpeakers(
    id: string,
    segments: Segment[],
    names: Record<string, string> | undefined,
  ): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    this.meta(id)
    await atomicWrite(this.segmentsPath(id), JSON.stringify({ segments }))
    await this.store.mutate((db) => {
      const m = db.transcripts.find((t) => t.id === id)!
      m.updatedAt = new Date().toISOString()
      m.segmentCount = segments.length
      m.preview = preview(segments)
      if (names) m.speakers = names
      else delete m.speakers
      delete m.speakerNotice
    })
    this.events.emit('transcripts.changed', { id, deleted: false })
    return { meta: this.meta(id), segments }
  }

  /** Why speaker detection left the transcript as it was: noted beside it, its segments untouched. */
  async setSpeakerNotice(id: string, notice: string): Promise<void> {
    this.meta(id)
    await this.store.mutate((db) => {
      db.transcripts.find((t) => t.id === id)!.speakerNotice = notice
    })
    this.events.emit('transcripts.changed', { id, deleted: false })
  }

  /** Delete a transcript: its index entry, its segments file, and its own uploaded media copy. */
  async delete(id: string): Promise<void> {
    const meta = this.meta(id)
    await this.store.mutate((db) => {
      db.transcripts = db.transcripts.filter((t) => t.id !== id)
      for (const j of db.jobs) if (j.transcriptId === id) j.transcriptId = null
    })
    await fs.rm(this.segmentsPath(id), { force: true })
    // only its own per-upload folder, and only when no other job or transcript needs it
    await removeUploadIfUnused(this.dataDir, meta.mediaPath, this.store.data)
    this.events.emit('transcripts.changed', { id, deleted: true })
  }

  mediaPath(id: string): string {
    return this.meta(id).mediaPath
  }

  private meta(id: string): TranscriptMeta {
    const m = this.store.data.transcripts.find((t) => t.id === id)
    if (!m) throw new AppError('not-found', `No transcript ${id}`)
    return m
  }

  private segmentsPath(id: string): string {
    return path.join(this.dataDir, 'transcripts', `${id}.json`)
  }

  private async segments(id: string): Promise<Segment[]> {
    this.meta(id)
    const text = await fs.readFile(this.segmentsPath(id), 'utf8').catch(() => {
      throw new AppError('not-found', `The transcript file for ${id} is missing from ${path.dirname(this.segmentsPath(id))}`)
    })
    return (JSON.parse(text) as { segments: Segment[] }).segments
  }
}

function preview(segments: Segment[]): string {
  return segments
    .map((s) => s.text.trim())
    .join(' ')
    .slice(0, 200)
}
