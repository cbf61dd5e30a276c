import { promises as fs } from 'node:fs'
import path from 'node:path'
import { watch as chokidarWatch, type FSWatcher } from 'chokidar'
import type { WatchedFile, WatchFolderState } from '../../shared/calls/watch-calls'
import { keyedError, storedError, toErrorShape, type StoredError } from '../../shared/errors'
import { isJobStopped, type ExportFormat, type Job, type TranscribeOptions } from '../../shared/transcribe-types'
import type { EventBus } from '../event-bus'
import type { ProcessOwner } from '../runtime/process-owner'
import type { Db } from '../store/db-schema'
import type { LibraryDb } from '../store/library-db'
import type { Store } from '../store/store'
import type { TranscriptionService } from '../transcribe/transcription-service'
import { exportBytes } from '../transcribe/exports'
import type { TranscriptStore } from '../transcribe/transcript-store'
import { holdsDeclaredAudio } from '../media/whole-file'
import { identityOf } from './file-identity'
import { scanFolder } from './folder-scan'
import { checkFolders } from './folder-check'
import { isMediaName } from './media-filter'
import { outputDirFor, planOutputs, writeWhole } from './output-files'
import { WriteFinishGate, type WriteFinishOptions } from './write-finish'

/** What to do with the media of one watched folder (or one folder run). */
export interface WatchTarget {
  /** a watch folder's id; 'cli' for the command line */
  folderId: string
  rootDir: string
  outDir: string | null
  recursive: boolean
  formats: ExportFormat[]
  model: string | null
  language: string | null
  vad: boolean | null
}

export interface WatchDeps {
  store: Store
  /** where watched files, their jobs and their owners are kept */
  library: LibraryDb
  events: EventBus
  transcription: TranscriptionService
  transcripts: TranscriptStore
  self: ProcessOwner
  /** the app's data folder: never watched, never written into */
  dataDir: string
  writeFinish?: WriteFinishOptions
  /** how often a watched folder is looked at (gone, back); tests may shorten it */
  folderCheckMs?: number
  /** for ffmpeg (MP4TOTEXT_FFMPEG) */
  env?: NodeJS.ProcessEnv
  /** where a watcher's problems go (a folder gone, a permission error); never fatal */
  log?: (message: string) => void
}

export type TakeOutcome =
  | { kind: 'queued'; record: WatchedFile }
  /** already done, queued or failed (a failed file is retried by the user only) */
  | { kind: 'seen'; record: WatchedFile }

/** One folder being watched: its watcher while the folder is there, and what the user is shown. */
interface Watched {
  target: WatchTarget
  /** closes the watcher; null while the folder is gone */
  attached: (() => Promise<void>) | null
  /** the folder watched (device, inode, birth time); null: look again whatever is there */
  ino: string | null
  state: WatchFolderState
  timer: NodeJS.Timeout | null
  /** the looks at the folder, one after the other */
  busy: Promise<void>
}

/** How often a watched folder is looked at (gone, back, made anew). */
const FOLDER_CHECK_MS = 2_000

/** How often a long-running shell looks for files a gone process left half done. */
const RESUME_EVERY_MS = 15_000

/** The key under which the library's owners record which process is moving a watched file along. */
const ownerKeyOf = (key: string) => `watch:${key}`
const isOpen = (r: WatchedFile) => r.status === 'claimed' || r.status === 'queued' || r.status === 'writing'

/**
 * Watch folders and folder runs: each media file is claimed once — by its identity, in
 * one library transaction, so two processes on one data folder never both take it — queued as a
 * normal transcription job, and its outputs written once its transcript is done. The record in
 * library.db outlives the process: at the next start, work a gone process left (claimed, queued,
 * writing) is taken over and finished, and what is done is never taken again.
 */
export class WatchService {
  private readonly watchers = new Map<string, Watched>()
  /** folders of the list that are not watched: paused, or refused by the checks */
  private readonly problems = new Map<string, WatchFolderState>()
  private readonly offJobs: () => void
  private closed = false
  private offSettings: () => void = () => undefined
  private syncing: Promise<void> = Promise.resolve()
  private sweeper: NodeJS.Timeout | null = null
  private resuming: Promise<void> | null = null

  constructor(private readonly deps: WatchDeps) {
    this.offJobs = deps.events.subscribe((name, payload) => {
      if (name === 'transcribe.job') void this.onJob(payload as Job).catch((err: unknown) => this.log(err))
    })
  }

  records(limit = 20): WatchedFile[] {
    return this.deps.library.watchedFiles
      .all()
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, limit)
  }

  record(key: string): WatchedFile | undefined {
    return this.deps.library.watchedFiles.get(key)
  }

  /**
   * Take one media file: claim it (unless its identity was seen before) and queue its job.
   * `retryFailed`: a file whose earlier run failed is queued again — only when the user asks
   * (running a folder command again); a watcher never does.
   */
  async take(file: string, target: WatchTarget, opts: { retryFailed?: boolean } = {}): Promise<TakeOutcome> {
    const id = await identityOf(file)
    const me = this.deps.self.owner
    const now = new Date().toISOString()
    const lib = this.deps.library
    const claim = lib.transaction(() => {
      const existing = lib.watchedFiles.get(id.key)
      if (existing) {
        if (!(opts.retryFailed && existing.status === 'failed' && !lib.owners.get(ownerKeyOf(id.key))))
          return { record: existing, fresh: false }
        // retried with this run's choices, not the failed run's (its model may be the reason)
        const sameOutputs =
          existing.outDir === target.outDir && JSON.stringify(existing.formats) === JSON.stringify(target.formats)
        Object.assign(existing, {
          ...choicesOf(target),
          ...(sameOutputs ? {} : { outputs: [] }),
          status: 'claimed',
          error: null,
          at: now,
        })
        lib.watchedFiles.put(existing)
        lib.owners.set(ownerKeyOf(id.key), me)
        return { record: { ...existing }, fresh: true }
      }
      // the same file written again after it was taken (recorded over, copied again): the new
      // content is transcribed into the same output files, which it replaces — not "name (2)"
      const earlier = lib.watchedFiles
        .all()
        .filter((r) => r.path === id.path && !isOpen(r) && !lib.owners.get(ownerKeyOf(r.key)))
        .sort((a, b) => (a.at < b.at ? 1 : -1))[0]
      if (earlier) {
        const sameOutputs = earlier.outDir === target.outDir && JSON.stringify(earlier.formats) === JSON.stringify(target.formats)
        // the key is the record's id: it moves to the new one
        lib.watchedFiles.delete(earlier.key)
        Object.assign(earlier, {
          key: id.key,
          size: id.size,
          mtimeMs: id.mtimeMs,
          ...choicesOf(target),
          ...(sameOutputs ? {} : { outputs: [] }),
          status: 'claimed',
          jobId: null,
          transcriptId: null,
          error: null,
          at: now,
        })
        lib.watchedFiles.put(earlier)
        lib.owners.set(ownerKeyOf(id.key), me)
        return { record: { ...earlier }, fresh: true }
      }
      const record: WatchedFile = {
        key: id.key,
        path: id.path,
        size: id.size,
        mtimeMs: id.mtimeMs,
        ...choicesOf(target),
        status: 'claimed',
        jobId: null,
        transcriptId: null,
        outputs: [],
        error: null,
        at: now,
      }
      lib.watchedFiles.put(record)
      lib.owners.set(ownerKeyOf(id.key), me)
      return { record, fresh: true }
    })
    if (!claim.fresh) return { kind: 'seen', record: claim.record }
    this.emit(claim.record)
    return { kind: 'queued', record: await this.queue(claim.record) }
  }

  /**
   * Finish what processes that are gone left behind (run at start-up, after the core's own
   * recovery marked their jobs interrupted): claimed files are queued, interrupted jobs run
   * again, done transcripts get their outputs.
   */
  async resume(): Promise<void> {
    for (const r of this.deps.library.watchedFiles.withStatus('claimed', 'queued', 'writing')) {
      if (this.closed) return
      const owner = this.deps.library.owners.get(ownerKeyOf(r.key))
      if (owner && (await this.deps.self.isAlive(owner))) continue
      const mine = await this.takeOver(r.key, owner?.instance ?? null)
      if (!mine) continue
      try {
        await this.advance(mine)
      } catch (err) {
        await this.failOn(mine.key, err)
      }
    }
  }

  /**
   * Watch one folder: what is in it now and what lands in it later, each once fully written.
   * The folder is looked at every few seconds: deleted or moved away, it shows as stopped (with
   * why); back again, or deleted and made anew, it is watched again and what it holds is taken.
   */
  async watchFolder(target: WatchTarget): Promise<void> {
    if (this.closed || this.watchers.has(target.folderId)) return
    const w: Watched = {
      target,
      attached: null,
      ino: null,
      state: { id: target.folderId, state: 'stopped', reason: null, message: null },
      timer: null,
      busy: Promise.resolve(),
    }
    this.watchers.set(target.folderId, w)
    await this.recheck(w)
    w.timer = setInterval(() => void this.recheck(w), this.deps.folderCheckMs ?? FOLDER_CHECK_MS)
    w.timer.unref()
  }

  async unwatchFolder(folderId: string): Promise<void> {
    const w = this.watchers.get(folderId)
    this.watchers.delete(folderId)
    if (!w) return
    if (w.timer) clearInterval(w.timer)
    await w.busy
    await this.detach(w)
  }

  /** Each folder of the settings' list, as this process watches it now. */
  states(folders: Db['settings']['watchFolders']): WatchFolderState[] {
    return folders.map(
      (f) =>
        this.watchers.get(f.id)?.state ??
        this.problems.get(f.id) ??
        (f.enabled
          ? { id: f.id, state: 'stopped', reason: null, message: null }
          : { id: f.id, state: 'off', reason: null, message: null }),
    )
  }

  /** Follow the settings' list: new and re-enabled folders are watched, removed ones no longer. */
  async syncFolders(folders: Db['settings']['watchFolders']): Promise<void> {
    const wanted = new Map(folders.filter((f) => f.enabled).map((f) => [f.id, f]))
    for (const [id, w] of [...this.watchers]) {
      const f = wanted.get(id)
      const same = f && JSON.stringify(toTarget(f)) === JSON.stringify(w.target)
      if (!same) await this.unwatchFolder(id)
    }
    for (const f of folders) {
      if (!f.enabled) this.setProblem(f.id, { id: f.id, state: 'off', reason: null, message: null })
    }
    for (const f of wanted.values()) {
      if (this.watchers.has(f.id)) continue
      // the same checks as watch.add: the list can also arrive through settings.set or db.json;
      // a folder that is not there (yet) is waited for. Told by the check's own answer, never by
      // a second look: a folder deleted and made again at once is gone for the check and back
      // for the look, and was then left unwatched for good.
      const problem = await checkFolders(f.dir, f.outDir, this.deps.dataDir, f.recursive).then(
        () => null,
        (err: unknown) => {
          const shape = toErrorShape(err)
          return shape.key === 'folder-missing' && path.resolve(f.dir) === path.resolve(String(shape.params?.path ?? ''))
            ? null
            : storedError(err)
        },
      )
      if (problem) {
        this.log(problem.message, f.dir)
        this.setProblem(f.id, { id: f.id, state: 'stopped', reason: 'error', ...problem })
        continue
      }
      this.problems.delete(f.id)
      await this.watchFolder(toTarget(f))
    }
  }

  private setProblem(id: string, state: WatchFolderState): void {
    const was = this.problems.get(id)
    this.problems.set(id, state)
    if (JSON.stringify(was) !== JSON.stringify(state)) this.deps.events.emit('watch.folder', state)
  }

  /** One look at a watched folder: still the one watched, gone, back, or made anew. */
  private recheck(w: Watched): Promise<void> {
    w.busy = w.busy
      .then(async () => {
        if (this.closed || this.watchers.get(w.target.folderId) !== w) return
        const s = await fs.stat(w.target.rootDir, { bigint: true }).catch(() => null)
        if (!s?.isDirectory()) {
          await this.detach(w)
          this.setState(w, {
            reason: 'missing',
            message: `${w.target.rootDir} is not there (deleted, moved, or its drive is not connected); it is watched again as soon as it is back`,
          })
          return
        }
        // the inode number alone does not tell: ext4 gives a folder deleted and made again at once
        // the same number; its birth time is new
        const identity = `${s.dev}:${s.ino}:${s.birthtimeNs}`
        if (w.attached && w.ino === identity) return
        // made anew (another folder at the same path): the old watcher sees nothing of it
        await this.detach(w)
        await this.attach(w, identity)
      })
      // said once, when it starts (setState logs it), not at every look
      .catch((err: unknown) => this.setState(w, { reason: 'error', ...storedError(err) }))
    return w.busy
  }

  private async attach(w: Watched, ino: string): Promise<void> {
    const { target } = w
    // the out folder may have gone with it (inside it, or beside it): made again, as at the start
    await checkFolders(target.rootDir, target.outDir, this.deps.dataDir, target.recursive)
    const gate = new WriteFinishGate((file) => void this.take(file, target).catch((err: unknown) => this.log(err, file)), {
      whole: (file) => holdsDeclaredAudio(file, this.deps.env),
      ...this.deps.writeFinish,
    })
    const watcher: FSWatcher = chokidarWatch(target.rootDir, {
      ignoreInitial: true,
      // symlinked folders are not entered: a link to a parent would loop
      followSymlinks: false,
      ignorePermissionErrors: true,
      ...(target.recursive ? {} : { depth: 0 }),
    })
    w.attached = async () => {
      gate.close()
      await watcher.close()
    }
    w.ino = ino
    const seen = (file: string) => {
      if (isMediaName(file)) gate.touch(path.resolve(file))
    }
    watcher.on('add', seen)
    watcher.on('change', seen)
    watcher.on('error', (err) => this.log(err, target.rootDir))
    // the folder itself going away: looked at now rather than at the next round
    watcher.on('unlinkDir', (dir) => {
      if (path.resolve(dir) !== path.resolve(target.rootDir)) return
      // whatever is at the path when it is looked at is a folder this watcher does not see
      if (w.ino === ino) w.ino = null
      void this.recheck(w)
    })
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
    this.setState(w, null)
    // what arrived while no process watched: the watcher is ready first, so nothing falls between
    const scan = await scanFolder(target.rootDir, { recursive: target.recursive }).catch((err: unknown) => {
      this.log(err, target.rootDir)
      return { media: [], skipped: [] }
    })
    for (const file of scan.media) {
      const id = await identityOf(file).catch(() => null)
      if (id && this.record(id.key)) continue
      gate.touch(file)
    }
  }

  private async detach(w: Watched): Promise<void> {
    const close = w.attached
    w.attached = null
    w.ino = null
    await close?.()
  }

  /** null: watching; else stopped, and why. */
  private setState(w: Watched, problem: { reason: 'missing' | 'error'; message: string; error?: StoredError } | null): void {
    const state: WatchFolderState = problem
      ? { id: w.target.folderId, state: 'stopped', ...problem }
      : { id: w.target.folderId, state: 'watching', reason: null, message: null }
    if (JSON.stringify(state) === JSON.stringify(w.state)) return
    w.state = state
    if (problem) this.log(problem.message)
    this.deps.events.emit('watch.folder', state)
  }

  /**
   * The long-running shells' start: finish what gone processes left, then watch the settings'
   * folders and follow changes to the list (from this process or another).
   */
  async start(): Promise<void> {
    await this.resumeOnce()
    const sync = () => {
      this.syncing = this.syncing
        .then(() => (this.closed ? undefined : this.syncFolders(this.deps.store.data.settings.watchFolders)))
        .catch((err: unknown) => this.log(err))
      return this.syncing
    }
    this.offSettings = this.deps.events.subscribe((name) => {
      if (name === 'settings.changed') void sync()
    })
    // a CLI `watch` killed while this keeps running: its claimed files and unwritten outputs are
    // taken over without waiting for a restart (its running job needs the start-up recovery)
    this.sweeper = setInterval(() => void this.resumeOnce(), RESUME_EVERY_MS)
    this.sweeper.unref()
    await sync()
  }

  private resumeOnce(): Promise<void> {
    this.resuming ??= this.resume()
      .catch((err: unknown) => this.log(err))
      .finally(() => (this.resuming = null))
    return this.resuming
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.sweeper) clearInterval(this.sweeper)
    this.offJobs()
    this.offSettings()
    await this.resuming
    await this.syncing
    for (const id of [...this.watchers.keys()]) await this.unwatchFolder(id)
  }

  private async queue(record: WatchedFile): Promise<WatchedFile> {
    let job: Job
    try {
      // a file taken again (a failed run the user retries, an interrupted one) keeps its job
      const old = record.jobId ? this.deps.library.jobs.get(record.jobId) : undefined
      if (old && isJobStopped(old.status) && old.retryable !== false) {
        // the record's choices, which a run retrying a failed file has just set: a choice left
        // to the settings is the settings' now, not what the job was first given
        const s = this.deps.store.data.settings
        await this.deps.transcription.retry(old.id, {
          ...((record.model ?? s.whisperModel) ? { model: (record.model ?? s.whisperModel)! } : {}),
          language: record.language ?? s.transcribeLanguage,
          vad: record.vad ?? undefined,
        })
        return await this.patch(record.key, { status: 'queued' })
      }
      const options: Partial<TranscribeOptions> = {
        ...(record.model ? { model: record.model } : {}),
        ...(record.language ? { language: record.language } : {}),
        ...(record.vad !== null ? { vad: record.vad } : {}),
      }
      ;[job] = (await this.deps.transcription.add([record.path], options)) as [Job]
    } catch (err) {
      return this.failOn(record.key, err)
    }
    const queued = await this.patch(record.key, { status: 'queued', jobId: job.id })
    // a very short file may already be through
    const now = this.deps.library.jobs.get(job.id)
    if (now) await this.onJob(now)
    return this.record(record.key) ?? queued
  }

  /** Move a record this process now owns one step on, from wherever its last owner left it. */
  private async advance(r: WatchedFile): Promise<void> {
    if (r.status === 'claimed' || !r.jobId) {
      await this.queue(r)
      return
    }
    const job = this.deps.library.jobs.get(r.jobId)
    if (!job)
      return void (await this.failOn(
        r.key,
        keyedError('not-found', 'watch-job-removed', {}, 'Its transcription job was removed'),
      ))
    if (r.status === 'writing' || job.status === 'done') return void (await this.writeOutputs(r.key))
    if (job.status === 'interrupted') {
      if (job.retryable === false) return void (await this.failOnJob(r.key, job, 'The file cannot be transcribed'))
      await this.queue(r)
      return
    }
    if (job.status === 'failed' || job.status === 'cancelled') await this.failOnJob(r.key, job, job.status)
    // queued or running in a live process: its end arrives as an event
  }

  private async onJob(job: Job): Promise<void> {
    const r = this.recordOfJob(job.id)
    if (!r) return
    const owner = this.deps.library.owners.get(ownerKeyOf(r.key))
    // another live process moves its own files along (a gone one's are taken at the next start)
    if (owner && owner.instance !== this.deps.self.owner.instance) return
    if (job.status === 'done' && (r.status === 'queued' || r.status === 'failed')) {
      // a failed file the user retried: its outputs are written now, by whoever sees it first
      if (!owner && !(await this.takeOver(r.key, null))) return
      await this.writeOutputs(r.key)
    } else if ((job.status === 'failed' || job.status === 'cancelled') && r.status === 'queued' && owner) {
      await this.failOnJob(r.key, job, job.status)
    }
  }

  /** Become the record's owner if it is still `expected`'s (null: nobody's); false if another took it. */
  private takeOver(key: string, expected: string | null): Promise<WatchedFile | null> {
    const me = this.deps.self.owner
    const lib = this.deps.library
    return Promise.resolve(
      lib.transaction(() => {
        const r = lib.watchedFiles.get(key)
        const current = lib.owners.get(ownerKeyOf(key))?.instance ?? null
        if (!r || (current !== expected && current !== me.instance)) return null
        lib.owners.set(ownerKeyOf(key), me)
        return r
      }),
    )
  }

  /**
   * Write every output of a done transcript. The names are chosen once (free names, never a
   * user's file) and kept in the record, so a restart in the middle writes the same files again
   * instead of "name (2)". Each file is whole or absent (temp file + rename).
   */
  private async writeOutputs(key: string): Promise<void> {
    const lib = this.deps.library
    const r = lib.transaction(() => {
      const rec = lib.watchedFiles.get(key)
      const job = rec?.jobId ? lib.jobs.get(rec.jobId) : undefined
      if (!rec || rec.status === 'done' || job?.status !== 'done' || !job.transcriptId) return null
      rec.status = 'writing'
      rec.transcriptId = job.transcriptId
      rec.error = null
      rec.errorDetail = null
      if (!rec.outputs.length) {
        const dir = outputDirFor(rec.path, rec.rootDir, rec.outDir)
        // names another file's run has chosen and not written yet are taken too
        const taken = new Set(lib.watchedFiles.withStatus('writing').flatMap((x) => x.outputs))
        rec.outputs = planOutputs(rec.path, dir, rec.formats, taken)
      }
      lib.watchedFiles.put(rec)
      return rec
    })
    if (!r) return
    this.emit(r)
    try {
      await fs.mkdir(outputDirFor(r.path, r.rootDir, r.outDir), { recursive: true })
      for (const [i, target] of r.outputs.entries()) {
        await writeWhole(target, exportBytes(await this.deps.transcripts.exportText(r.transcriptId!, r.formats[i]!)))
      }
      await this.settle(key, { status: 'done' })
    } catch (err) {
      const detail = toErrorShape(err).message
      await this.failOn(
        key,
        keyedError('store-failed', 'watch-outputs-failed', { detail }, `Could not write the outputs: ${detail}`),
      )
    }
  }

  /** Failed with `err`: its English for the CLI and logs, and what words it for the UI (errorDetail). */
  private failOn(key: string, err: unknown): Promise<WatchedFile> {
    const { message, error } = storedError(err)
    return this.settle(key, { status: 'failed', error: message, errorDetail: error })
  }

  /**
   * Failed with its job: worded as the queue words the job (its file problem, or its error's key
   * and values; a cancelled job by its code); a job error with none of them stays as written.
   */
  private failOnJob(key: string, job: Job, fallback: string): Promise<WatchedFile> {
    const errorDetail: StoredError | null = job.errorReason
      ? { code: 'invalid-input', key: `media-${job.errorReason}`, params: { file: job.fileName } }
      : job.errorDetail
        ? { code: 'internal', ...job.errorDetail }
        : job.status === 'cancelled'
          ? { code: 'cancelled' }
          : null
    return this.settle(key, { status: 'failed', error: job.error ?? fallback, errorDetail })
  }

  /** An end state: the record has no owner any more. */
  private async settle(key: string, patch: Partial<WatchedFile>): Promise<WatchedFile> {
    const lib = this.deps.library
    const r = lib.transaction(() => {
      const rec = lib.watchedFiles.update(key, (x) => Object.assign(x, patch, { at: new Date().toISOString() }))!
      lib.owners.delete(ownerKeyOf(key))
      return rec
    })
    this.emit(r)
    return r
  }

  private async patch(key: string, patch: Partial<WatchedFile>): Promise<WatchedFile> {
    const r = this.deps.library.watchedFiles.update(key, (x) => Object.assign(x, patch, { at: new Date().toISOString() }))!
    this.emit(r)
    return r
  }

  /** The record whose job this is. */
  private recordOfJob(jobId: string): WatchedFile | undefined {
    return this.deps.library.watchedFiles.where('jobId', jobId)[0]
  }

  private emit(r: WatchedFile): void {
    this.deps.events.emit('watch.file', r)
  }

  private log(err: unknown, where?: string): void {
    const message = `${where ? `${where}: ` : ''}${toErrorShape(err).message}`
    if (this.deps.log) this.deps.log(message)
  }
}

/** What a target decides for each of its files: where from, where to, with which choices. */
function choicesOf(
  t: WatchTarget,
): Pick<WatchedFile, 'folderId' | 'rootDir' | 'outDir' | 'formats' | 'model' | 'language' | 'vad'> {
  return {
    folderId: t.folderId,
    rootDir: t.rootDir,
    outDir: t.outDir,
    formats: t.formats,
    model: t.model,
    language: t.language,
    vad: t.vad,
  }
}

/** A settings entry as the service's target. */
export function toTarget(f: Db['settings']['watchFolders'][number]): WatchTarget {
  return {
    folderId: f.id,
    rootDir: f.dir,
    outDir: f.outDir,
    recursive: f.recursive,
    formats: f.formats,
    model: f.model,
    language: f.language,
    vad: f.vad,
  }
}
