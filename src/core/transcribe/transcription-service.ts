import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AppError, keyedError, toErrorShape } from '../../shared/errors'
import { isJobActive, isJobOver, isJobStopped } from '../../shared/transcribe-types'
import type { Job, JobStage, Segment, TranscribeOptions, TranscriptMeta } from '../../shared/transcribe-types'
import type { EventBus } from '../event-bus'
import type { ModelManager } from '../models/model-manager'
import { clipToWav } from '../media/clip'
import { PCM_DIR_PREFIX } from '../media/decode'
import { MediaError } from '../media/probe'
import type { Owner } from '../store/db-schema'
import type { LibraryDb } from '../store/library-db'
import type { Store } from '../store/store'
import { removeUploadIfUnused } from '../uploads/upload-store'
import { ownedBy } from '../runtime/work-recovery'
import type { HardwareService } from '../hardware/hardware-service'
import { EnginePool } from './engine-pool'
import { type RemoteOutcome, type RemoteTranscriber, routeOf, serverSlots } from './remote-transcriber'
import { transcribeFile, type TranscribeProgress } from './transcriber'
import { sameSegments, type SegmentRun, type TranscriptStore } from './transcript-store'
import type { WhisperServer } from './whisper-server'

export interface TranscriptionDeps {
  store: Store
  /** where jobs and their owners are kept */
  library: LibraryDb
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
  /** where finished transcripts go */
  transcripts: TranscriptStore
  /** cloud models and the user's own servers (absent: this machine's engine only) */
  remote?: RemoteTranscriber
  /** which engine build runs the work (absent: the CPU build) */
  hardware?: HardwareService
}

const PROGRESS_EVERY_MS = 200

/**
 * The transcription queue: jobs run one at a time by default on a warm engine from the pool,
 * progress streams out as events, a finished job's transcript goes to the transcript store, and
 * a job stopped by a crash or a quit shows as interrupted, ready to retry. Only a finished job
 * has a transcript.
 */
export class TranscriptionService {
  private readonly live = new Map<string, TranscribeProgress>()
  private readonly stages = new Map<string, JobStage>()
  private readonly aborts = new Map<string, AbortController>()
  private readonly lastEmit = new Map<string, number>()
  /** per transcript, what its last re-transcription replaced: Undo puts it back */
  private readonly undos = new Map<string, { undo: string; runs: SegmentRun[]; length: number }>()
  /** the warm engines; live recording (src/core/recording) borrows one for its whole length */
  readonly engines: EnginePool

  constructor(private readonly deps: TranscriptionDeps) {
    const { hardware } = deps
    this.engines = new EnginePool({
      dataDir: deps.dataDir,
      resourcesDir: deps.resourcesDir,
      env: deps.env,
      choose: hardware ? () => hardware.choice() : undefined,
      onFailure: hardware ? (backend, reason) => hardware.noteFailure(backend, reason) : undefined,
    })
  }

  /** cloud models and the user's servers */
  get remote(): RemoteTranscriber | undefined {
    return this.deps.remote
  }

  defaultThreads(): number {
    return this.deps.store.data.settings.threads ?? Math.min(8, Math.max(1, os.availableParallelism?.() ?? os.cpus().length))
  }

  jobs(): Job[] {
    return this.deps.library.jobs
      .all()
      .reverse()
      .map((j) => this.withLive(j))
  }

  async add(files: string[], options: Partial<TranscribeOptions>): Promise<Job[]> {
    const s = this.deps.store.data.settings
    const model = options.model ?? s.whisperModel
    if (!model)
      throw keyedError('invalid-input', 'model-not-chosen', {}, 'Choose a whisper model first (Models page, or --model).')
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
    const lib = this.deps.library
    lib.transaction(() => {
      for (const j of jobs) {
        lib.jobs.put(j)
        this.own(j.id)
      }
    })
    for (const j of jobs) this.emit(j)
    this.pump()
    return jobs
  }

  cancel(id: string): boolean {
    // picked up by this process (its "running" may not be saved yet): stop the run itself, which
    // then ends the job as cancelled — marking it cancelled here would be overwritten by the run
    const ac = this.aborts.get(id)
    if (ac) {
      ac.abort()
      return true
    }
    const job = this.deps.library.jobs.get(id)
    if (job?.status === 'queued') {
      void this.update(id, { status: 'cancelled', finishedAt: new Date().toISOString() })
      return true
    }
    return false
  }

  /**
   * Run a stopped job again, on the same job (no second entry in the queue). `options`: what the
   * run that retries it asks for instead (a folder run again with another model); a key given as
   * undefined goes back to the settings' choice.
   */
  async retry(id: string, options: Partial<TranscribeOptions> = {}): Promise<Job> {
    const job = this.deps.library.jobs.get(id)
    if (!job) throw noJob(id)
    if (!isJobStopped(job.status))
      throw keyedError('invalid-input', 'job-not-stopped', {}, `The job is ${job.status}; only a stopped job can be retried`)
    // an empty, damaged or non-media file gives the same answer again
    if (job.retryable === false)
      throw keyedError(
        'invalid-input',
        'job-not-retryable',
        { file: job.fileName },
        `${job.fileName} cannot be transcribed as it is; retrying would fail the same way`,
      )
    const merged: TranscribeOptions = { ...job.options }
    for (const [k, v] of Object.entries(options) as [keyof TranscribeOptions, unknown][])
      if (v === undefined) delete merged[k]
      else (merged as Record<string, unknown>)[k] = v
    const updated = await this.update(id, {
      status: 'queued',
      options: merged,
      progress: 0,
      etaSec: null,
      error: null,
      errorDetail: null,
      startedAt: null,
      finishedAt: null,
    })
    this.pump()
    return updated
  }

  /** Take every finished, failed or cancelled job off the queue; their transcripts stay in the history. */
  async clearFinished(): Promise<void> {
    const lib = this.deps.library
    const files = lib.transaction(() => {
      const over = lib.jobs.all().filter((j) => isJobOver(j.status))
      for (const j of over) lib.jobs.delete(j.id)
      return over.map((j) => j.file)
    })
    for (const file of new Set(files)) await removeUploadIfUnused(this.deps.dataDir, file, lib)
  }

  /**
   * Forget a finished job; a running or waiting one must be cancelled first. Its uploaded media
   * goes too, unless a transcript still plays from it.
   */
  async removeJob(id: string): Promise<void> {
    const lib = this.deps.library
    const file = lib.transaction(() => {
      const j = lib.jobs.get(id)
      if (!j) throw noJob(id)
      if (isJobActive(j.status)) throw keyedError('invalid-input', 'job-cancel-first', {}, 'Cancel the job before removing it')
      lib.jobs.delete(id)
      return j.file
    })
    await removeUploadIfUnused(this.deps.dataDir, file, lib)
  }

  async shutdown(): Promise<void> {
    this.stopped = true
    for (const ac of this.aborts.values()) ac.abort()
    // each run writes how it ended before the library closes under it
    await Promise.allSettled(this.runs)
    this.engines.shutdown()
  }

  /** shut down: a run that ends afterwards starts no other (the library may be closed already) */
  private stopped = false
  private readonly runs = new Set<Promise<void>>()

  private pump(): void {
    if (this.stopped) return
    const settings = this.deps.store.data.settings
    // with servers, a batch's files run side by side, as many as the servers take at once
    const limit = Math.max(
      settings.transcribeConcurrency,
      this.deps.remote ? serverSlots(this.deps.library.jobs.withStatus('queued', 'running'), settings) : 0,
    )
    // this process's own jobs, starting or running: the limit is per process
    const running = this.aborts.size
    const lib = this.deps.library
    const next = lib.jobs
      .withStatus('queued')
      .filter((j) => !this.aborts.has(j.id) && this.isMine(lib.owners.get(ownedBy.job(j.id))))
      .slice(0, Math.max(0, limit - running))
    for (const job of next) {
      const ac = new AbortController()
      this.aborts.set(job.id, ac)
      const run: Promise<void> = this.run(job, ac.signal).finally(() => {
        this.runs.delete(run)
        this.aborts.delete(job.id)
        this.live.delete(job.id)
        this.stages.delete(job.id)
        this.pump()
      })
      this.runs.add(run)
    }
  }

  private async run(job: Job, signal: AbortSignal): Promise<void> {
    let engine: WhisperServer | null = null
    // the job shows as running with what it does first, never a bare 0 %
    this.stages.set(job.id, this.deps.remote && routeOf(job.options, this.deps.store.data.settings) ? 'sending' : 'loading-model')
    try {
      await this.update(job.id, {
        status: 'running',
        startedAt: new Date().toISOString(),
        errorReason: null,
        errorDetail: null,
        retryable: true,
        partial: null,
        fallbackFrom: null,
        fallbackStatus: null,
      })
      // a cancel may have come while "running" was being saved
      if (signal.aborted) throw new AppError('cancelled', 'Cancelled')
      // a cloud model or the user's servers; null back means every server was down
      const route = this.deps.remote ? routeOf(job.options, this.deps.store.data.settings) : null
      if (route && this.deps.remote) {
        this.setStage(job.id, 'sending')
        const remote = await this.deps.remote.run(job, route, {
          signal,
          onProgress: (p) => {
            this.live.set(job.id, { ...p, realtimeFactor: null })
            this.emitThrottled(job.id)
          },
        })
        if (!('fallback' in remote)) return await this.finishRemote(job, remote, signal)
        // the user's own servers did not take the audio: this computer does the work, and the job
        // says so (with the HTTP answer of a server that gave one)
        const answered = remote.fallback.filter((p) => p.status !== null)
        await this.update(job.id, {
          fallbackFrom: remote.fallback.map((p) => p.url),
          fallbackStatus: answered.length ? Object.fromEntries(answered.map((p) => [p.url, p.status!])) : null,
        })
      }
      const modelPath = await this.deps.models.resolve(job.options.model)
      const threads = job.options.threads ?? this.defaultThreads()
      this.setStage(job.id, 'loading-model')
      engine = await this.engines.take(modelPath, threads)
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
          keepDoneWindows: true,
          onStage: (stage) => this.setStage(job.id, stage),
          onProgress: (p) => {
            this.live.set(job.id, p)
            this.emitThrottled(job.id)
          },
        },
      )
      if (signal.aborted) throw new AppError('cancelled', 'Cancelled')
      // the transcript file is complete before the job says done
      const now = new Date().toISOString()
      const meta = await this.deps.transcripts.save(
        {
          jobId: job.id,
          fileName: job.fileName,
          mediaPath: job.file,
          hasVideo: outcome.info.hasVideo,
          frameRate: outcome.info.frameRate,
          createdAt: now,
          updatedAt: now,
          durationSec: outcome.info.durationSec,
          language: outcome.language ?? job.options.language,
          model: job.options.model,
          // a file cut short keeps what decoded, marked so (never thrown away)
          partial: outcome.partial,
          noSpeech: outcome.noSpeech,
          ...(job.options.prompt.trim() ? { prompt: job.options.prompt.trim() } : {}),
        },
        outcome.segments,
      )
      // back to the pool before anyone hears "done" (a listener may close the service at once);
      // an engine that failed on a window is not reused
      if (outcome.partial?.engineError) engine.kill()
      else this.engines.give(engine)
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
        transcriptId: meta.id,
      })
    } catch (err) {
      // a killed or crashed engine is not reused
      engine?.kill()
      engine = null
      const e = toErrorShape(err)
      const cancelled = signal.aborted || e.code === 'cancelled'
      await this.update(job.id, {
        status: cancelled ? 'cancelled' : 'failed',
        error: cancelled ? null : e.message,
        // the key and values the queue words it from (the message stays, English, for the CLI and logs)
        errorDetail: !cancelled && e.key ? { key: e.key, params: e.params ?? {} } : null,
        // a file that is not media, empty or damaged gives the same answer again: no Retry
        errorReason: err instanceof MediaError ? err.reason : null,
        retryable: err instanceof MediaError ? err.retryable : true,
        finishedAt: new Date().toISOString(),
        etaSec: null,
      })
    }
  }

  /** Save a transcript that came from a cloud model or a server, then mark the job done. */
  private async finishRemote(job: Job, outcome: RemoteOutcome, signal: AbortSignal): Promise<void> {
    const now = new Date().toISOString()
    let meta: TranscriptMeta
    try {
      if (signal.aborted) throw new AppError('cancelled', 'Cancelled')
      meta = await this.saveRemote(job, outcome, now)
      // a cloud file is charged once, when its transcript is saved
      await outcome.settle?.commit()
    } catch (err) {
      await outcome.settle?.refund(signal.aborted ? 'cancelled' : 'failed')
      throw err
    }
    await this.update(job.id, {
      status: 'done',
      progress: 1,
      etaSec: 0,
      realtimeFactor: outcome.audioSec > 0 ? outcome.elapsedSec / outcome.audioSec : null,
      durationSec: outcome.durationSec,
      finishedAt: now,
      partial: null,
      noSpeech: outcome.segments.length === 0,
      transcriptId: meta.id,
    })
  }

  private saveRemote(job: Job, outcome: RemoteOutcome, now: string): Promise<TranscriptMeta> {
    return this.deps.transcripts.save(
      {
        jobId: job.id,
        fileName: job.fileName,
        mediaPath: job.file,
        hasVideo: outcome.hasVideo,
        frameRate: outcome.frameRate,
        createdAt: now,
        updatedAt: now,
        durationSec: outcome.durationSec,
        language: outcome.language ?? job.options.language,
        model: job.options.model,
        partial: null,
        noSpeech: outcome.segments.length === 0,
        ...(job.options.prompt.trim() ? { prompt: job.options.prompt.trim() } : {}),
      },
      outcome.segments,
    )
  }

  /**
   * Transcribe the chosen segments of a transcript again — with another model or language, say —
   * and put the result in their place. Each run of adjacent chosen segments is its own clip and
   * is replaced on its own, so a segment between two chosen ones (an edited one, say) stays as it
   * is; so does every other. All runs are written at once, or none (an engine failure, or the
   * chosen segments changed meanwhile). The replaced segments are kept for `undoRetranscribe`.
   */
  async retranscribe(
    id: string,
    segmentIds: number[],
    options: { model?: string; language?: string; prompt?: string },
  ): Promise<{ segments: Segment[]; changed: number[]; undo: string }> {
    const { meta, segments } = await this.deps.transcripts.get(id)
    const wanted = new Set(segmentIds)
    const missing = segmentIds.filter((sid) => !segments.some((s) => s.id === sid))
    if (wanted.size === 0 || missing.length)
      throw keyedError(
        'invalid-input',
        'segments-missing',
        { segments: missing.join(', ') },
        `Choose segments that exist (no segment ${missing.join(', ')} in this transcript)`,
      )
    // runs of adjacent chosen segments, by position
    const runs: { at: number; old: Segment[] }[] = []
    segments.forEach((s, k) => {
      if (!wanted.has(s.id)) return
      const last = runs.at(-1)
      if (last && last.at + last.old.length === k) last.old.push(s)
      else runs.push({ at: k, old: [s] })
    })
    const settings = this.deps.store.data.settings
    const model = options.model ?? meta.model
    const language = options.language ?? settings.transcribeLanguage
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${PCM_DIR_PREFIX}${process.pid}-`))
    let engine: WhisperServer | null = null
    try {
      engine = await this.engines.take(await this.deps.models.resolve(model), this.defaultThreads())
      const replaced: SegmentRun[] = []
      for (const [k, run] of runs.entries()) {
        const from = run.old[0]!.start
        const to = Math.max(...run.old.map((s) => s.end))
        const clip = path.join(dir, `run-${k}.wav`)
        await clipToWav(meta.mediaPath, from, to, clip, { env: this.deps.env })
        const out = await transcribeFile(
          clip,
          engine,
          // the transcript's word list (names, jargon) unless this run names its own
          { language, translate: false, prompt: options.prompt ?? meta.prompt ?? '', noFallback: this.deps.noFallback },
          {
            env: this.deps.env,
            resourcesDir: this.deps.resourcesDir,
            vad: settings.vadEnabled ? { threshold: settings.vadThreshold, paddingSec: settings.vadPaddingSec } : null,
          },
        )
        // the clip starts at the run's first segment: back to the file's timeline, inside the run
        const at = (t: number) => Math.round(Math.min(to, from + t) * 1000) / 1000
        const replacement = out.segments.map((s) => ({
          ...s,
          start: at(s.start),
          end: at(s.end),
          ...(s.words ? { words: s.words.map((w) => ({ ...w, start: at(w.start), end: at(w.end) })) } : {}),
        }))
        replaced.push({ at: run.at, count: run.old.length, expected: run.old, replacement })
      }
      this.engines.give(engine)
      engine = null
      const next = await this.deps.transcripts.replaceRuns(id, replaced, segments.length)
      // where each run's new segments are now, and the undo that puts the old ones back there
      const back: SegmentRun[] = []
      const changed: number[] = []
      let shift = 0
      for (const r of replaced) {
        const at = r.at + shift
        back.push({
          at,
          count: r.replacement.length,
          expected: next.slice(at, at + r.replacement.length),
          replacement: r.expected,
        })
        for (let i = 0; i < r.replacement.length; i++) changed.push(at + i)
        shift += r.replacement.length - r.count
      }
      const undo = randomUUID()
      this.undos.set(id, { undo, runs: back, length: next.length })
      return { segments: next, changed, undo }
    } finally {
      engine?.kill()
      await fs.rm(dir, { recursive: true, force: true })
    }
  }

  /**
   * Put back what the last re-transcription of this transcript replaced. Edits made since to other
   * segments are kept; an edit to one of the new segments would be lost, so then it is refused.
   */
  async undoRetranscribe(id: string, undo: string): Promise<{ segments: Segment[] }> {
    const record = this.undos.get(id)
    if (!record || record.undo !== undo)
      throw keyedError(
        'invalid-input',
        'undo-nothing',
        {},
        'There is nothing to undo: that re-transcription was undone already or replaced by a later one.',
      )
    const current = (await this.deps.transcripts.get(id)).segments
    const touched =
      current.length !== record.length || record.runs.some((r) => !sameSegments(current.slice(r.at, r.at + r.count), r.expected))
    if (touched)
      throw keyedError(
        'invalid-input',
        'undo-would-lose-edit',
        {},
        'A segment that was transcribed again has been edited since, so Undo would lose that edit. Nothing was changed.',
      )
    const segments = await this.deps.transcripts.replaceRuns(id, record.runs, record.length)
    this.undos.delete(id)
    return { segments }
  }

  /**
   * The transcript's file as a new job: its model, the language and word list it was made with,
   * and speech detection as asked (off: a file where it heard no speech is heard in full).
   */
  async transcribeAgain(id: string, opts: { vad?: boolean }): Promise<Job> {
    const { meta } = await this.deps.transcripts.get(id)
    const before = this.deps.library.jobs.get(meta.jobId)?.options
    const [job] = await this.add([meta.mediaPath], {
      ...before,
      model: meta.model,
      prompt: meta.prompt ?? before?.prompt ?? '',
      ...(opts.vad === undefined ? {} : { vad: opts.vad }),
    })
    return job!
  }

  /** Speech detection for a job: its own choice, else the setting's, with the setting's tuning. */
  private vadFor(job: Job): { threshold: number; paddingSec: number } | null {
    const s = this.deps.store.data.settings
    return (job.options.vad ?? s.vadEnabled) ? { threshold: s.vadThreshold, paddingSec: s.vadPaddingSec } : null
  }

  private async update(id: string, patch: Partial<Job>): Promise<Job> {
    const lib = this.deps.library
    const job = lib.transaction(() => {
      const j = lib.jobs.update(id, (x) => Object.assign(x, patch))
      if (!j) throw noJob(id)
      if (isJobActive(j.status)) this.own(id)
      else lib.owners.delete(ownedBy.job(id))
      return j
    })
    this.emit(job)
    return job
  }

  /** Record this process as the job's runner (a retry moves a job to the process that retries it). */
  private own(jobId: string): void {
    if (this.deps.owner) this.deps.library.owners.set(ownedBy.job(jobId), this.deps.owner)
  }

  private isMine(owner: Owner | undefined): boolean {
    return !this.deps.owner || owner?.instance === this.deps.owner.instance
  }

  /** The job with this process's live progress and stage, if it runs it. */
  withLive(j: Job): Job {
    if (j.status !== 'running') return j
    const p = this.live.get(j.id)
    const stage = this.stages.get(j.id)
    return {
      ...j,
      ...(p ? { progress: p.fraction, etaSec: p.etaSec, realtimeFactor: p.realtimeFactor } : {}),
      ...(stage ? { stage } : {}),
    }
  }

  /** A new stage is said at once (not throttled like progress): it is what the user sees first. */
  private setStage(id: string, stage: JobStage): void {
    if (this.stages.get(id) === stage) return
    this.stages.set(id, stage)
    const j = this.deps.library.jobs.get(id)
    if (j) this.emit(j)
  }

  private emitThrottled(id: string): void {
    const now = Date.now()
    if (now - (this.lastEmit.get(id) ?? 0) < PROGRESS_EVERY_MS) return
    this.lastEmit.set(id, now)
    const j = this.deps.library.jobs.get(id)
    if (j) this.emit(j)
  }

  private emit(j: Job): void {
    this.deps.events.emit('transcribe.job', this.withLive(j))
  }
}

const noJob = (id: string) => keyedError('not-found', 'job-not-found', {}, `No job ${id}`)
