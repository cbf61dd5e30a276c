import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { SpeakerModelInfo } from '../../shared/calls/speaker-calls'
import { AppError } from '../../shared/errors'
import type { Segment, TranscriptMeta } from '../../shared/transcribe-types'
import type { EventBus } from '../event-bus'
import { clipToWav } from '../media/clip'
import type { Store } from '../store/store'
import type { TranscriptStore } from '../transcribe/transcript-store'
import { checkSpeakerModel } from './onnx-check'
import { assignSpeakers, defaultSpeakerNames } from './speaker-assign'
import { downloadSpeakerModels, listSpeakerModels, requireSpeakerModels } from './speaker-models'
import { detectSpeakerTurns } from './speaker-turns'

type View = { meta: TranscriptMeta; segments: Segment[] }

/**
 * Who speaks when in a saved transcript, and the editor's changes to it. Detection never loses
 * the transcript: a model missing or damaged, or no speaker found, leaves the segments as they
 * were and records why (TranscriptMeta.speakerNotice); the error is still thrown to the caller.
 */
export class SpeakerService {
  constructor(
    private readonly deps: {
      store: Store
      events: EventBus
      transcripts: TranscriptStore
      modelsDir: () => string
      env?: NodeJS.ProcessEnv
      fetch?: typeof fetch
    },
  ) {}

  /** detections under way, by transcript id: one at a time per transcript, each cancellable */
  private readonly running = new Map<string, AbortController>()

  models(): SpeakerModelInfo[] {
    return listSpeakerModels(this.deps.modelsDir(), this.deps.store.data.settings.modelBaseUrl)
  }

  downloadModels(signal?: AbortSignal): Promise<SpeakerModelInfo[]> {
    return downloadSpeakerModels(this.deps.modelsDir(), this.deps.store.data.settings.modelBaseUrl, {
      fetchImpl: this.deps.fetch,
      signal,
    })
  }

  cancel(id: string): boolean {
    const run = this.running.get(id)
    run?.abort()
    return Boolean(run)
  }

  async detect(id: string, speakers: 'auto' | number): Promise<View> {
    const { meta } = await this.deps.transcripts.get(id)
    if (this.running.has(id)) throw new AppError('invalid-input', 'Speakers are already being detected for this transcript.')
    const controller = new AbortController()
    const signal = controller.signal
    this.running.set(id, controller)
    try {
      const models = requireSpeakerModels(this.deps.modelsDir())
      await checkSpeakerModel(models.segmentation, 'segmentation')
      await checkSpeakerModel(models.embedding, 'embedding')
      this.deps.events.emit('speakers.progress', { id, phase: 'audio' })
      const dir = await mkdtemp(path.join(os.tmpdir(), 'mp4totext-speakers-'))
      try {
        const wav = path.join(dir, 'audio.wav')
        await clipToWav(meta.mediaPath, 0, Math.max(meta.durationSec, 0.1), wav, { env: this.deps.env, signal })
        const turns = await detectSpeakerTurns(wav, {
          models,
          speakers,
          threshold: this.deps.store.data.settings.speakerThreshold,
          signal,
          onLoaded: () => this.deps.events.emit('speakers.progress', { id, phase: 'speakers' }),
        })
        if (turns.length === 0) {
          throw new AppError(
            'not-found',
            'No speaker was found in this recording (no stretch of speech long enough to tell voices apart). The transcript is kept without speakers.',
          )
        }
        // the segments as they are when the labels are written: an edit made meanwhile is kept
        const view = await this.deps.transcripts.updateSpeakers(id, (segments) => {
          const labelled = assignSpeakers(segments, turns)
          return { segments: labelled, names: defaultSpeakerNames(labelled, meta.language) }
        })
        this.deps.events.emit('speakers.progress', { id, phase: 'done' })
        return view
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    } catch (caught) {
      const err = signal.aborted
        ? new AppError('cancelled', 'Speaker detection was cancelled; the transcript is unchanged.')
        : caught
      if (!(err instanceof AppError && err.code === 'cancelled')) {
        // the plain transcript stays as it was; the reason is kept beside it for the editor
        await this.deps.transcripts.setSpeakerNotice(id, (err as Error).message)
      }
      this.deps.events.emit('speakers.progress', { id, phase: 'done' })
      throw err
    } finally {
      this.running.delete(id)
    }
  }

  async rename(id: string, speaker: string, name: string): Promise<View> {
    return this.deps.transcripts.updateSpeakers(id, (segments, meta) => ({
      segments,
      names: { ...this.namesOf(meta, speaker), [speaker]: name.trim() },
    }))
  }

  async merge(id: string, from: string, into: string): Promise<View> {
    return this.deps.transcripts.updateSpeakers(id, (segments, meta) => {
      const names = { ...this.namesOf(meta, from) }
      this.namesOf(meta, into)
      if (from === into) return { segments, names }
      delete names[from]
      return { segments: segments.map((s) => (s.speaker === from ? { ...s, speaker: into } : s)), names }
    })
  }

  /** One segment to `speaker`: a known one, or a new one (named "Speaker N" / "Konuşmacı N"). */
  async assign(id: string, segmentId: number, speaker: string): Promise<View> {
    if (!/^S\d{1,3}$/.test(speaker)) throw new AppError('invalid-input', `"${speaker}" is not a speaker id (S1, S2, …).`)
    return this.deps.transcripts.updateSpeakers(id, (segments, meta) => {
      if (!meta.speakers) throw new AppError('invalid-input', 'Detect the speakers of this transcript first.')
      if (!segments.some((s) => s.id === segmentId))
        throw new AppError('not-found', `No segment ${segmentId} in transcript ${id}`)
      const names = { ...meta.speakers }
      if (!names[speaker])
        names[speaker] = defaultSpeakerNames([{ id: 0, start: 0, end: 0, text: '', speaker }], meta.language)[speaker]!
      return { segments: segments.map((s) => (s.id === segmentId ? { ...s, speaker } : s)), names }
    })
  }

  private namesOf(meta: TranscriptMeta, speaker: string): Record<string, string> {
    if (!meta.speakers?.[speaker]) throw new AppError('not-found', `No speaker ${speaker} in this transcript.`)
    return meta.speakers
  }
}
