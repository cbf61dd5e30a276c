import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { SpeakerModelInfo } from '../../shared/calls/speaker-calls'
import { AppError, keyedError, storedError } from '../../shared/errors'
import type { Segment, TranscriptMeta } from '../../shared/transcribe-types'
import type { EventBus } from '../event-bus'
import { clipToWav } from '../media/clip'
import type { Store } from '../store/store'
import type { TranscriptStore } from '../transcribe/transcript-store'
import { checkSpeakerModel } from './onnx-check'
import { assignSpeakers, defaultSpeakerNames } from './speaker-assign'
import { downloadSpeakerModels, listSpeakerModels, requireSpeakerModels, speakerModelPaths } from './speaker-models'
import { detectSpeakers } from './speaker-turns'
import { embeddingModelId, VoiceLibrary, type VoiceMatch } from './voice-library'

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
      dataDir: string
    },
  ) {
    this.voices = new VoiceLibrary(deps.dataDir)
  }

  /** speakers the user named, recognised in later detections */
  readonly voices: VoiceLibrary

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
    if (this.running.has(id))
      throw keyedError('invalid-input', 'speakers-running', {}, 'Speakers are already being detected for this transcript.')
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
        const { turns, voices } = await detectSpeakers(wav, {
          models,
          speakers,
          threshold: this.deps.store.data.settings.speakerThreshold,
          signal,
          onLoaded: () => this.deps.events.emit('speakers.progress', { id, phase: 'speakers' }),
        })
        if (turns.length === 0) {
          throw keyedError(
            'not-found',
            'speakers-none-found',
            {},
            'No speaker was found in this recording (no stretch of speech long enough to tell voices apart). The transcript is kept without speakers.',
          )
        }
        // known voices, by cluster number, before the labels are written
        const model = await embeddingModelId(models.embedding)
        // a voice library that cannot be read (from a newer app) costs the names, never the detection
        const matches = await this.voices
          .recognise(
            model,
            voices.map((v) => ({ key: String(v.speaker), embedding: v.embedding })),
          )
          .catch(() => new Map<string, VoiceMatch>())
        const ids = new Map<number, string>()
        // the segments as they are when the labels are written: an edit made meanwhile is kept
        const view = await this.deps.transcripts.updateSpeakers(id, (segments) => {
          ids.clear()
          const labelled = assignSpeakers(segments, turns, ids)
          const names = defaultSpeakerNames(labelled, meta.language)
          for (const [cluster, speaker] of ids) {
            const known = matches.get(String(cluster))
            if (known && names[speaker]) names[speaker] = known.name
          }
          return { segments: labelled, names }
        })
        const clusters: Record<string, { embedding: number[]; seconds: number }> = {}
        const bySpeaker = new Map<string, VoiceMatch>()
        for (const v of voices) {
          const speaker = ids.get(v.speaker)
          if (!speaker || !view.meta.speakers?.[speaker]) continue
          clusters[speaker] = { embedding: v.embedding, seconds: v.seconds }
          const known = matches.get(String(v.speaker))
          if (known) bySpeaker.set(speaker, known)
        }
        // if it cannot be kept, an earlier detection's voices must not stand for these speakers
        await this.voices
          .recordDetection(id, model, clusters, bySpeaker)
          .catch(() => this.voices.removeTranscript(id).catch(() => undefined))
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
        const { message, error } = storedError(err)
        await this.deps.transcripts.setSpeakerNotice(id, message, error)
      }
      this.deps.events.emit('speakers.progress', { id, phase: 'done' })
      throw err
    } finally {
      this.running.delete(id)
    }
  }

  /** A name given to a speaker is also that speaker's voice in the voice library (see VoiceLibrary.named). */
  async rename(id: string, speaker: string, name: string): Promise<View> {
    const view = await this.deps.transcripts.updateSpeakers(id, (segments, meta) => ({
      segments,
      names: { ...this.namesOf(meta, speaker), [speaker]: name.trim() },
    }))
    await this.voices.named(id, speaker, name, this.isDefaultName(view.meta, speaker, name))
    return view
  }

  async merge(id: string, from: string, into: string): Promise<View> {
    const view = await this.deps.transcripts.updateSpeakers(id, (segments, meta) => {
      const names = { ...this.namesOf(meta, from) }
      this.namesOf(meta, into)
      if (from === into) return { segments, names }
      delete names[from]
      return { segments: segments.map((s) => (s.speaker === from ? { ...s, speaker: into } : s)), names }
    })
    if (from !== into) await this.voices.mergeSpeakers(id, from, into)
    return view
  }

  /** "This is <voice>": the speaker takes the voice's name, and its voice joins the voice's samples. */
  async confirmVoice(id: string, speaker: string, voiceId: string): Promise<View> {
    const { meta } = await this.deps.transcripts.get(id)
    this.namesOf(meta, speaker)
    const name = await this.voices.confirm(id, speaker, voiceId)
    return this.deps.transcripts.updateSpeakers(id, (segments, m) => ({
      segments,
      names: { ...this.namesOf(m, speaker), [speaker]: name },
    }))
  }

  /** "Not <voice>": the speaker is "Speaker N" again, and is not taken for that voice again. */
  async rejectVoice(id: string, speaker: string): Promise<View> {
    const { meta } = await this.deps.transcripts.get(id)
    this.namesOf(meta, speaker)
    await this.voices.reject(id, speaker)
    return this.deps.transcripts.updateSpeakers(id, (segments, m) => ({
      segments,
      names: { ...this.namesOf(m, speaker), [speaker]: this.defaultName(m, speaker) },
    }))
  }

  /** The voice model installed now (null: none), so the Voices page can tell voices it cannot compare. */
  async currentVoiceModel(): Promise<string | null> {
    const file = speakerModelPaths(this.deps.modelsDir()).embedding
    return embeddingModelId(file).catch(() => null)
  }

  private defaultName(meta: TranscriptMeta, speaker: string): string {
    return defaultSpeakerNames([{ id: 0, start: 0, end: 0, text: '', speaker }], meta.language)[speaker]!
  }

  /** "Speaker 2" / "Konuşmacı 2" names no one: it is not kept as a voice. */
  private isDefaultName(meta: TranscriptMeta, speaker: string, name: string): boolean {
    const n = name.trim()
    return [meta.language, 'en', 'tr'].some(
      (language) => defaultSpeakerNames([{ id: 0, start: 0, end: 0, text: '', speaker }], language)[speaker] === n,
    )
  }

  /** One segment to `speaker`: a known one, or a new one (named "Speaker N" / "Konuşmacı N"). */
  async assign(id: string, segmentId: number, speaker: string): Promise<View> {
    if (!/^S\d{1,3}$/.test(speaker)) throw new AppError('invalid-input', `"${speaker}" is not a speaker id (S1, S2, …).`)
    return this.deps.transcripts.updateSpeakers(id, (segments, meta) => {
      if (!meta.speakers) throw keyedError('invalid-input', 'speakers-first', {}, 'Detect the speakers of this transcript first.')
      if (!segments.some((s) => s.id === segmentId))
        throw keyedError(
          'not-found',
          'segment-not-found',
          { segment: segmentId + 1 },
          `No segment ${segmentId} in transcript ${id}`,
        )
      const names = { ...meta.speakers }
      if (!names[speaker]) names[speaker] = this.defaultName(meta, speaker)
      return { segments: segments.map((s) => (s.id === segmentId ? { ...s, speaker } : s)), names }
    })
  }

  private namesOf(meta: TranscriptMeta, speaker: string): Record<string, string> {
    if (!meta.speakers?.[speaker])
      throw keyedError('not-found', 'speaker-not-found', {}, `No speaker ${speaker} in this transcript.`)
    return meta.speakers
  }
}
