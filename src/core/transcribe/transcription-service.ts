import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AppError, toErrorShape } from '../../shared/errors'
import { isJobActive, isJobStopped } from '../../shared/transcribe-types'
import type { ExportFormat, Job, Segment, SubtitleRules, TranscribeOptions, TranscriptMeta } from '../../shared/transcribe-types'
import type { EventBus } from '../event-bus'
import type { ModelManager } from '../models/model-manager'
import { MediaError } from '../media/probe'
import { atomicWrite } from '../store/safe-json-file'
import type { Db, Owner } from '../store/db-schema'
import type { Store } from '../store/store'
import { removeUploadIfUnused } from '../uploads/upload-store'
import { engineRunDir } from '../runtime/engine-record'
import { ownedBy } from '../runtime/work-recovery'
import { whisperServerPath } from './engine-paths'
import { extensionOf, render, sanitizeFileName } from './exports'
import { transcribeFile, type TranscribeProgress } from './transcriber'
import { WhisperServer } from './whisper-server'

export interface TranscriptionDeps {
  store: Store
  events: EventBus
  models: ModelManager
  dataDir: string
  resourcesDir?: string
  env?: NodeJS.ProcessEnv
  /** tests and benchmarks: no temperature fallback (deterministic, faster on random weights) */
  noFallback?: boolean
  windowSec?: number
  /** the process that runs this queue: it only ever starts jobs it queued itself */
  owner?: Owner | null
}

const PROGRESS_EVERY_MS = 200

/**
 * The transcription queue: jobs run one at a time by default on a warm whisper-server, progress
 * streams out as events, transcripts are saved one file each, and a job stopped by a crash or a
 * quit shows as interrupted, ready to retry. Only a finished job has a transcript.
 */
export class TranscriptionService {
  private readonly live = new Map<string, TranscribeProgress>()
  private readonly aborts = new Map<string, AbortController>()
  private idle: WhisperServer[] = []
  private readonly lastEmit = new Map<string, number>()

  constructor(private readonly deps: TranscriptionDeps) {}

  defaultThreads(): number {
    return this.deps.store.data.settings.threads ?? Math.min(8, Math.max(1, os.availableParallelism?.() ?? os.cpus().length))
  }

  jobs(): Job[] {
    return [...this.deps.store.data.jobs].reverse().map((j) => this.withLive(j))
  }

  async add(files: string[], options: Partial<TranscribeOptions>): Promise<Job[]> {
    const s = this.deps.store.data.settings
    const model = options.model ?? s.whisperModel
    if (!model) throw new AppError('invalid-input', 'Choose a whisper model first (Models page, or --model).')
    const full: TranscribeOptions = { language: s.transcribeLanguage, translate: false, prompt: '', ...options, model }
    const jobs = files.map<Job>((file) => ({
      id: randomUUID(),
      file: path.resolve(file),
      fileName: path.basename(file),
      status: 'queued',
      progress: 0,
      etaSec: null,
      realtimeFactor: null,
      durationSec: null,
      options: full,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      error: null,
      transcriptId: null,
    }))
    await this.deps.store.mutate((db) => {
      db.jobs.push(...jobs)
      for (const j of jobs) this.own(db, j.id)
    })
    for (const j of jobs) this.emit(j)
    this.pump()
    return jobs
  }

  cancel(id: string): boolean {
    const job = this.deps.store.data.jobs.find((j) => j.id === id)
    if (job?.status === 'queued') {
      void this.update(id, { status: 'cancelled', finishedAt: new Date().toISOString() })
      return true
    }
    const ac = this.aborts.get(id)
    ac?.abort()
    return Boolean(ac)
  }

  async retry(id: string): Promise<Job> {
    const job = this.deps.store.data.jobs.find((j) => j.id === id)
    if (!job) throw new AppError('not-found', `No job ${id}`)
    if (!isJobStopped(job.status))
      throw new AppError('invalid-input', `The job is ${job.status}; only a stopped job can be retried`)
    // an empty, damaged or non-media file gives the same answer again
    if (job.retryable === false)
      throw new AppError('invalid-input', `${job.fileName} cannot be transcribed as it is; retrying would fail the same way`)
    const updated = await this.update(id, {
      status: 'queued',
      progress: 0,
      etaSec: null,
      error: null,
      startedAt: null,
      finishedAt: null,
    })
    this.pump()
    return updated
  }

  /** Transcripts, newest first; the query matches file names and the transcript text. */
  async transcripts(query = ''): Promise<TranscriptMeta[]> {
    const all = [...this.deps.store.data.transcripts].reverse()
    const q = query.trim().toLocaleLowerCase()
    if (!q) return all
    const hits: TranscriptMeta[] = []
    for (const t of all) {
      if (t.fileName.toLocaleLowerCase().includes(q)) hits.push(t)
      else if ((await this.segments(t.id)).some((s) => s.text.toLocaleLowerCase().includes(q))) hits.push(t)
    }
    return hits
  }

  async transcript(id: string): Promise<{ meta: TranscriptMeta; segments: Segment[] }> {
    return { meta: this.meta(id), segments: await this.segments(id) }
  }

  /** An edited segment is what exports and enhancement use from then on. */
  async updateSegment(id: string, segmentId: number, text: string): Promise<TranscriptMeta> {
    const segments = await this.segments(id)
    const seg = segments.find((s) => s.id === segmentId)
    if (!seg) throw new AppError('not-found', `No segment ${segmentId} in transcript ${id}`)
    seg.text = text
    await atomicWrite(this.segmentsPath(id), JSON.stringify({ segments }))
    await this.deps.store.mutate((db) => {
      const m = db.transcripts.find((t) => t.id === id)!
      m.updatedAt = new Date().toISOString()
      m.preview = preview(segments)
    })
    this.deps.events.emit('transcripts.changed', { id, deleted: false })
    return this.meta(id)
  }

  async exportText(
    id: string,
    format: ExportFormat,
    subtitles?: Partial<SubtitleRules>,
  ): Promise<{ fileName: string; content: string }> {
    const { meta, segments } = await this.transcript(id)
    return {
      fileName: `${sanitizeFileName(meta.fileName)}.${extensionOf(format)}`,
      content: render(segments, format, { fileName: meta.fileName, language: meta.language }, subtitles),
    }
  }

  /**
   * Forget a finished job; a running or waiting one must be cancelled first. Its uploaded media
   * goes too, unless a transcript still plays from it.
   */
  async removeJob(id: string): Promise<void> {
    const file = await this.deps.store.mutate((db) => {
      const j = db.jobs.find((x) => x.id === id)
      if (!j) throw new AppError('not-found', `No job ${id}`)
      if (isJobActive(j.status)) throw new AppError('invalid-input', 'Cancel the job before removing it')
      db.jobs = db.jobs.filter((x) => x.id !== id)
      return j.file
    })
    await removeUploadIfUnused(this.deps.dataDir, file, this.deps.store.data)
  }

  /**
   * Delete a transcript: its index entry, its segments file, and the copy of the media the web
   * host received as an upload (a file the user picked from their own disk is never touched).
   */
  async deleteTranscript(id: string): Promise<void> {
    const meta = this.meta(id)
    await this.deps.store.mutate((db) => {
      db.transcripts = db.transcripts.filter((t) => t.id !== id)
      for (const j of db.jobs) if (j.transcriptId === id) j.transcriptId = null
    })
    await fs.rm(this.segmentsPath(id), { force: true })
    // only its own per-upload folder, and only when no other job or transcript needs it
    await removeUploadIfUnused(this.deps.dataDir, meta.mediaPath, this.deps.store.data)
    this.deps.events.emit('transcripts.changed', { id, deleted: true })
  }

  mediaPath(id: string): string {
    return this.meta(id).mediaPath
  }

  async shutdown(): Promise<void> {
    this.closed = true
    for (const ac of this.aborts.values()) ac.abort()
    for (const e of this.idle) e.kill()
    this.idle = []
  }

  private meta(id: string): TranscriptMeta {
    const m = this.deps.store.data.transcripts.find((t) => t.id === id)
    if (!m) throw new AppError('not-found', `No transcript ${id}`)
    return m
  }

  private segmentsPath(id: string): string {
    return path.join(this.deps.dataDir, 'transcripts', `${id}.json`)
  }

  private async segments(id: string): Promise<Segment[]> {
    this.meta(id)
    const text = await fs.readFile(this.segmentsPath(id), 'utf8').catch(() => {
      throw new AppError('not-found', `The transcript file for ${id} is missing from ${path.dirname(this.segmentsPath(id))}`)
    })
    return (JSON.parse(text) as { segments: Segment[] }).segments
  }

  private pump(): void {
    const limit = this.deps.store.data.settings.transcribeConcurrency
    // this process's own jobs, starting or running: the limit is per process
    const running = this.aborts.size
    const mine = this.deps.store.data.owners
    const next = this.deps.store.data.jobs
      .filter((j) => j.status === 'queued' && !this.aborts.has(j.id) && this.isMine(mine[ownedBy.job(j.id)]))
      .slice(0, Math.max(0, limit - running))
    for (const job of next) {
      this.starting++
      const ac = new AbortController()
      this.aborts.set(job.id, ac)
      void this.run(job, ac.signal).finally(() => {
        this.aborts.delete(job.id)
        this.live.delete(job.id)
        this.pump()
      })
    }
  }

  private starting = 0
  private closed = false

  private release(engine: WhisperServer): void {
    if (this.closed) engine.kill()
    else this.idle.push(engine)
  }

  private async run(job: Job, signal: AbortSignal): Promise<void> {
    let engine: WhisperServer | null = null
    let started = false
    try {
      await this.update(job.id, {
        status: 'running',
        startedAt: new Date().toISOString(),
        errorReason: null,
        retryable: true,
        partial: null,
      })
      this.starting--
      started = true
      const modelPath = await this.deps.models.resolve(job.options.model)
      const threads = job.options.threads ?? this.defaultThreads()
      engine = await this.engineFor(modelPath, threads)
      const outcome = await transcribeFile(
        job.file,
        engine,
        {
          language: job.options.language,
          translate: job.options.translate,
          prompt: job.options.prompt,
          beamSize: job.options.beamSize,
          noFallback: this.deps.noFallback,
        },
        {
          signal,
          env: this.deps.env,
          windowSec: this.deps.windowSec,
          resourcesDir: this.deps.resourcesDir,
          vad: this.vadFor(job),
          onProgress: (p) => {
            this.live.set(job.id, p)
            this.emitThrottled(job.id)
          },
        },
      )
      // the transcript file is complete before the job says done
      const transcriptId = randomUUID()
      await atomicWrite(this.segmentsPath(transcriptId), JSON.stringify({ segments: outcome.segments }))
      const now = new Date().toISOString()
      const meta: TranscriptMeta = {
        id: transcriptId,
        jobId: job.id,
        fileName: job.fileName,
        mediaPath: job.file,
        hasVideo: outcome.info.hasVideo,
        createdAt: now,
        updatedAt: now,
        durationSec: outcome.info.durationSec,
        language: outcome.language ?? job.options.language,
        model: job.options.model,
        segmentCount: outcome.segments.length,
        preview: preview(outcome.segments),
        // a file cut short keeps what decoded, marked so (never thrown away)
        partial: outcome.partial,
        noSpeech: outcome.noSpeech,
      }
      await this.deps.store.mutate((db) => {
        db.transcripts.push(meta)
      })
      // back to the pool before anyone hears "done" (a listener may close the service at once)
      this.release(engine)
      engine = null
      await this.update(job.id, {
        status: 'done',
        progress: 1,
        etaSec: 0,
        realtimeFactor: outcome.audioSec > 0 ? outcome.elapsedSec / outcome.audioSec : null,
        durationSec: outcome.info.durationSec,
        finishedAt: now,
        partial: outcome.partial,
        noSpeech: outcome.noSpeech,
        transcriptId,
      })
    } catch (err) {
      if (!started) this.starting--
      // a killed or crashed engine is not reused
      engine?.kill()
      engine = null
      const e = toErrorShape(err)
      const cancelled = signal.aborted || e.code === 'cancelled'
      await this.update(job.id, {
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? null : e.message,
        // a file that is not media, empty or damaged gives the same answer again: no Retry
        errorReason: err instanceof MediaError ? err.reason : null,
        retryable: err instanceof MediaError ? err.retryable : true,
        finishedAt: new Date().toISOString(),
        etaSec: null,
      })
    }
  }

  /** Speech detection for a job: its own choice, else the setting's, with the setting's tuning. */
  private vadFor(job: Job): { threshold: number; paddingSec: number } | null {
    const s = this.deps.store.data.settings
    return (job.options.vad ?? s.vadEnabled) ? { threshold: s.vadThreshold, paddingSec: s.vadPaddingSec } : null
  }

  private async engineFor(modelPath: string, threads: number): Promise<WhisperServer> {
    this.idle = this.idle.filter((e) => e.alive)
    const i = this.idle.findIndex((e) => e.config.modelPath === modelPath && e.config.threads === threads)
    if (i >= 0) return this.idle.splice(i, 1)[0]!
    // a different model: let the old warm engine go
    for (const e of this.idle.splice(0)) e.kill()
    return WhisperServer.start({
      serverPath: whisperServerPath({ resourcesDir: this.deps.resourcesDir, env: this.deps.env }),
      modelPath,
      threads,
      // a record the next start uses to stop this engine if this process dies without doing so
      runDir: engineRunDir(this.deps.dataDir),
    })
  }

  private async update(id: string, patch: Partial<Job>): Promise<Job> {
    const job = await this.deps.store.mutate((db) => {
      const j = db.jobs.find((x) => x.id === id)
      if (!j) throw new AppError('not-found', `No job ${id}`)
      Object.assign(j, patch)
      if (isJobActive(j.status)) this.own(db, id)
      else delete db.owners[ownedBy.job(id)]
      return { ...j }
    })
    this.emit(job)
    return job
  }

  /** Record this process as the job's runner (a retry moves a job to the process that retries it). */
  private own(db: Db, jobId: string): void {
    if (this.deps.owner) db.owners[ownedBy.job(jobId)] = this.deps.owner
  }

  private isMine(owner: Owner | undefined): boolean {
    return !this.deps.owner || owner?.instance === this.deps.owner.instance
  }

  private withLive(j: Job): Job {
    const p = this.live.get(j.id)
    return p && j.status === 'running' ? { ...j, progress: p.fraction, etaSec: p.etaSec, realtimeFactor: p.realtimeFactor } : j
  }

  private emitThrottled(id: string): void {
    const now = Date.now()
    if (now - (this.lastEmit.get(id) ?? 0) < PROGRESS_EVERY_MS) return
    this.lastEmit.set(id, now)
    const j = this.deps.store.data.jobs.find((x) => x.id === id)
    if (j) this.emit(j)
  }

  private emit(j: Job): void {
    this.deps.events.emit('transcribe.job', this.withLive(j))
  }
}

function preview(segments: Segment[]): string {
  return segments
    .map((s) => s.text.trim())
    .join(' ')
    .slice(0, 200)
}
