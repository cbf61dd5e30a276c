import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { RecordingInfo, RecoverableRecording } from '../../shared/calls/recording-calls'
import { AppError, keyedError } from '../../shared/errors'
import type { EventBus } from '../event-bus'
import type { ModelManager } from '../models/model-manager'
import type { ProcessOwner } from '../runtime/process-owner'
import { PRIVATE_DIR_MODE } from '../store/safe-json-file'
import type { Store } from '../store/store'
import { transcribeFile } from '../transcribe/transcriber'
import type { TranscriptionService } from '../transcribe/transcription-service'
import type { TranscriptStore } from '../transcribe/transcript-store'
import type { WhisperServer } from '../transcribe/whisper-server'
import { LiveSession } from './live-session'
import {
  BYTES_PER_SEC,
  encodeRecording,
  pcmPath,
  readManifest,
  recordingDir,
  recordingName,
  recordingsDir,
  writeManifest,
  type Manifest,
} from './recording-files'

export interface RecordingDeps {
  dataDir: string
  store: Store
  events: EventBus
  models: ModelManager
  transcription: TranscriptionService
  transcripts: TranscriptStore
  self: ProcessOwner
  resourcesDir?: string
  env?: NodeJS.ProcessEnv
  noFallback?: boolean
  /** labels who speaks in a saved recording's transcript, where the speaker models are installed */
  labelSpeakers?: (transcriptId: string) => Promise<void>
}

interface Live {
  manifest: Manifest
  session: LiveSession
  engine: WhisperServer
  dir: string
  /** when the page last sent audio or changed the state (ms) */
  lastActivity: number
  /** the page load that records it (null: a caller that names none, e.g. a benchmark) */
  page: string | null
  /** that page's session ended (reloaded, closed): offered for recovery without waiting */
  pageGone: boolean
}

/**
 * A live recording that has heard nothing from its page for this long is offered for recovery
 * like a dead process's: the page froze or its end went unnoticed (a page whose session is seen
 * to end, reloaded or closed, is offered at once).
 */
export const ABANDONED_AFTER_MS = 10 * 60_000

/**
 * Live recordings: the audio the page streams in is kept on disk as it arrives, transcribed as the
 * speaker pauses, and on stop compressed and saved as a normal transcript. A recording whose
 * process died (a crash, a kill, a quit mid-recording) is offered at the next start to finish
 * (compressed and transcribed as a regular job) or discard.
 */
export class RecordingService {
  private readonly live = new Map<string, Live>()
  /** tests: a shorter wait before a silent live recording counts as abandoned */
  abandonAfterMs = ABANDONED_AFTER_MS

  constructor(private readonly deps: RecordingDeps) {}

  /** recordings running now (an update is never installed under one) */
  liveCount(): number {
    return this.live.size
  }

  async start(input: { deviceLabel: string; language?: string; model?: string; page?: string }): Promise<RecordingInfo> {
    const s = this.deps.store.data.settings
    const model = input.model ?? s.whisperModel
    if (!model) throw keyedError('invalid-input', 'model-not-chosen', {}, 'Choose a whisper model first (Models page).')
    const modelPath = await this.deps.models.resolve(model)
    const language = input.language ?? s.transcribeLanguage
    const id = randomUUID()
    const dir = recordingDir(this.deps.dataDir, id)
    await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
    const manifest: Manifest = {
      id,
      state: 'recording',
      startedAt: new Date().toISOString(),
      language,
      model,
      deviceLabel: input.deviceLabel,
      owner: this.deps.self.owner,
    }
    let engine: WhisperServer | null = null
    try {
      await writeManifest(dir, manifest)
      // the model is loaded now, not at the first pause: the first text comes as fast as the rest
      engine = await this.deps.transcription.engines.take(modelPath, this.deps.transcription.defaultThreads())
      const session = await LiveSession.open({
        id,
        dir,
        engine,
        params: { language, translate: false, prompt: '', noFallback: this.deps.noFallback },
        onSegment: (seg) => this.deps.events.emit('recording.segment', seg),
        resourcesDir: this.deps.resourcesDir,
        env: this.deps.env,
      })
      this.live.set(id, { manifest, session, engine, dir, lastActivity: Date.now(), page: input.page ?? null, pageGone: false })
    } catch (err) {
      engine?.kill()
      await fs.rm(dir, { recursive: true, force: true })
      throw err
    }
    return this.changed(id)
  }

  async append(id: string, seq: number, pcmBase64: string): Promise<{ received: number; durationSec: number }> {
    const r = this.get(id)
    if (r.manifest.state === 'stopping')
      throw keyedError('invalid-input', 'recording-stopping', {}, 'This recording is being stopped')
    this.heard(r)
    const pcm = Buffer.from(pcmBase64, 'base64')
    if (pcm.length % 2) throw new AppError('invalid-input', 'An audio chunk must hold whole 16-bit samples')
    await r.session.append(seq, pcm)
    return { received: r.session.order.expected, durationSec: r.session.durationSec }
  }

  async setPaused(id: string, paused: boolean): Promise<RecordingInfo> {
    const r = this.get(id)
    if (r.manifest.state === 'stopping')
      throw keyedError('invalid-input', 'recording-stopping', {}, 'This recording is being stopped')
    this.heard(r)
    r.manifest.state = paused ? 'paused' : 'recording'
    await writeManifest(r.dir, r.manifest)
    return this.changed(id)
  }

  /** The recording becomes a normal transcript: compressed audio, the live text as its segments. */
  async stop(id: string): Promise<{ transcriptId: string; durationSec: number }> {
    const r = this.get(id)
    if (r.manifest.state === 'stopping')
      throw keyedError('invalid-input', 'recording-stopping', {}, 'This recording is already being stopped')
    r.manifest.state = 'stopping'
    await writeManifest(r.dir, r.manifest)
    this.changed(id)
    try {
      await r.session.finish()
      const durationSec = r.session.durationSec
      const name = recordingName(r.manifest.startedAt)
      const media = await encodeRecording(pcmPath(r.dir), this.deps.dataDir, name, this.deps.env)
      let segments = r.session.segments
      let language = r.session.language ?? r.manifest.language
      if (r.session.incomplete) {
        // the live pass has holes: the whole recording once more, as a file, on the same engine
        const s = this.deps.store.data.settings
        const out = await transcribeFile(
          media,
          r.engine,
          { language: r.manifest.language, translate: false, prompt: '', noFallback: this.deps.noFallback },
          { env: this.deps.env, resourcesDir: this.deps.resourcesDir, vad: s.vadEnabled ? { threshold: s.vadThreshold } : null },
        )
        segments = out.segments
        language = out.language ?? language
      }
      const now = new Date().toISOString()
      const meta = await this.deps.transcripts.save(
        {
          jobId: `recording:${id}`,
          fileName: name,
          mediaPath: media,
          hasVideo: false,
          createdAt: now,
          updatedAt: now,
          durationSec,
          language,
          model: r.manifest.model,
          partial: null,
          noSpeech: segments.length === 0,
        },
        segments,
      )
      this.deps.transcription.engines.give(r.engine)
      this.live.delete(id)
      // the transcript and its media are saved: the raw audio has done its job
      await fs.rm(r.dir, { recursive: true, force: true })
      // speakers are labelled on the saved transcript: a failure there leaves it unlabelled, with
      // the reason beside it (TranscriptMeta.speakerNotice), and the recording stays saved
      if (segments.length) await this.deps.labelSpeakers?.(meta.id).catch(() => undefined)
      this.deps.events.emit('recording.state', { ...this.info(r), state: 'stopped' })
      return { transcriptId: meta.id, durationSec }
    } catch (err) {
      // the audio stays on disk: offered for recovery once this process is gone, never lost
      r.engine.kill()
      await r.session.abort()
      this.live.delete(id)
      this.deps.events.emit('recording.state', { ...this.info(r), state: 'failed' })
      throw err
    }
  }

  async discard(id: string): Promise<{ discarded: boolean }> {
    const r = this.live.get(id)
    if (!r) return { discarded: false }
    this.live.delete(id)
    await r.session.abort()
    this.deps.transcription.engines.give(r.engine)
    await fs.rm(r.dir, { recursive: true, force: true })
    this.deps.events.emit('recording.state', { ...this.info(r), state: 'stopped' })
    return { discarded: true }
  }

  /**
   * Recordings left by a process that is gone, and this process's own live recordings that their
   * page abandoned (nothing heard for `abandonAfterMs`); recordings in progress are not.
   */
  async recoverable(): Promise<RecoverableRecording[]> {
    const names = await fs.readdir(recordingsDir(this.deps.dataDir)).catch(() => [] as string[])
    const out: RecoverableRecording[] = []
    for (const name of names) {
      const mine = this.live.get(name)
      if (mine && !this.abandoned(mine)) continue
      const dir = recordingDir(this.deps.dataDir, name)
      const m = await readManifest(dir)
      if (!m || m.id !== name || (!mine && (await this.deps.self.isAlive(m.owner)))) continue
      const bytes = await fs.stat(pcmPath(dir)).then(
        (st) => st.size,
        () => 0,
      )
      out.push({ id: m.id, startedAt: m.startedAt, durationSec: bytes / BYTES_PER_SEC, language: m.language, model: m.model })
    }
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt))
  }

  /**
   * Finish (compress, then transcribe as a regular job) or discard a recording left by a dead
   * process. The recording is claimed first — moved aside and back with this process as owner —
   * so two processes starting at once cannot both finish it.
   */
  async recover(id: string, action: 'finish' | 'discard'): Promise<{ jobId: string | null }> {
    const dir = recordingDir(this.deps.dataDir, id)
    const m = await readManifest(dir)
    if (!m) throw keyedError('not-found', 'recording-not-recoverable', {}, 'No recording to recover with this id')
    const mine = this.live.get(id)
    if (mine) {
      if (!this.abandoned(mine)) throw keyedError('invalid-input', 'recording-running', {}, 'This recording is still running')
      // its page is gone: stop listening, keep the audio
      this.live.delete(id)
      await mine.session.abort()
      this.deps.transcription.engines.give(mine.engine)
    } else if (await this.deps.self.isAlive(m.owner))
      throw keyedError('invalid-input', 'recording-running', {}, 'This recording is still running in another window or process')
    const aside = path.join(recordingsDir(this.deps.dataDir), `.claim-${id}-${this.deps.self.owner.instance}`)
    try {
      await fs.rename(dir, aside)
    } catch {
      throw keyedError('not-found', 'recording-not-recoverable', {}, 'This recording was just taken up by another process')
    }
    await writeManifest(aside, { ...m, owner: this.deps.self.owner })
    await fs.rename(aside, dir)
    if (action === 'discard') {
      await fs.rm(dir, { recursive: true, force: true })
      return { jobId: null }
    }
    const bytes = (await fs.stat(pcmPath(dir)).catch(() => null))?.size ?? 0
    if (bytes < 2) {
      await fs.rm(dir, { recursive: true, force: true })
      return { jobId: null }
    }
    const media = await encodeRecording(pcmPath(dir), this.deps.dataDir, recordingName(m.startedAt), this.deps.env)
    const [job] = await this.deps.transcription.add([media], { model: m.model, language: m.language })
    // the compressed copy holds all the audio, and the job is saved: the raw audio can go
    await fs.rm(dir, { recursive: true, force: true })
    return { jobId: job!.id }
  }

  /**
   * A page's session ended (the web host's event stream closed; Electron's window reloaded or
   * crashed): its live recordings are offered for recovery now, not 10 minutes later. No
   * `page`: every page of this process (Electron has one window).
   */
  pageGone(page?: string): void {
    for (const r of this.live.values()) {
      if (r.page === null || (page !== undefined && r.page !== page) || r.pageGone) continue
      if (r.manifest.state === 'stopping') continue
      r.pageGone = true
      this.deps.events.emit('recording.abandoned', { id: r.manifest.id })
    }
  }

  /** Quit: live recordings stop where they are and stay on disk, offered for recovery at the next start. */
  async shutdown(): Promise<void> {
    for (const r of this.live.values()) {
      r.engine.kill()
      await r.session.abort()
    }
    this.live.clear()
  }

  /** The session, for the benchmark's delay figures. */
  session(id: string): LiveSession {
    return this.get(id).session
  }

  private abandoned(r: Live): boolean {
    return r.pageGone || Date.now() - r.lastActivity >= this.abandonAfterMs
  }

  /** The page is there after all (its event stream came back): it goes on recording. */
  private heard(r: Live): void {
    r.lastActivity = Date.now()
    r.pageGone = false
  }

  private get(id: string): Live {
    const r = this.live.get(id)
    if (!r)
      throw keyedError(
        'not-found',
        'recording-gone',
        {},
        'No live recording with this id (it was stopped, or the app was restarted)',
      )
    return r
  }

  private info(r: Live): RecordingInfo {
    const { id, state, startedAt, language, model, deviceLabel } = r.manifest
    return { id, state, startedAt, language, model, deviceLabel, durationSec: r.session.durationSec }
  }

  private changed(id: string): RecordingInfo {
    const info = this.info(this.get(id))
    this.deps.events.emit('recording.state', info)
    return info
  }
}
