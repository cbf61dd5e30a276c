import { z } from 'zod'
import { CatalogSummary, CloudProviderId, CompareReport, ModelId, ModelView, ProviderId, Recommendation } from './catalog-types'
import { CreditsState, LedgerEntry, MAX_TOP_UP } from './credits-types'
import {
  EnhancementRecord,
  EnhanceRequest,
  EnhanceResult,
  Preset,
  ProviderStatus,
  RetryReason,
  SavedPrompt,
} from './enhance-types'
import { AppErrorShape } from './errors'
import { ModelDownloadEvent } from './model-download'
import { PricingHistoryEntry, PricingPreview } from './pricing-types'
import {
  DocumentOptions,
  ExportFormat,
  Job,
  Segment,
  SubtitleRules,
  TranscribeOptions,
  HISTORY_PAGE_MAX,
  HISTORY_PAGE_SIZE,
  TranscriptMeta,
  TranscriptPage,
  WhisperModelInfo,
} from './transcribe-types'
import { Settings, SettingsPatch } from './settings-types'
import { libraryCalls } from './calls/library-calls'
import { editorCalls, editorEvents } from './calls/editor-calls'
import { localLlmCalls, localLlmEvents } from './calls/local-llm-calls'
import { recordingCalls, recordingEvents } from './calls/recording-calls'
import { remoteTranscribeCalls, remoteTranscribeEvents } from './calls/remote-transcribe-calls'
import { speakerCalls, speakerEvents } from './calls/speaker-calls'
import { voiceCalls } from './calls/voice-calls'
import { watchCalls, watchEvents } from './calls/watch-calls'
import { hardwareCalls, hardwareEvents } from './calls/hardware-calls'
import { apiCalls, apiEvents } from './calls/api-calls'
import { urlImportCalls, urlImportEvents } from './calls/url-import-calls'
import { updateCalls } from './calls/update-calls'

/**
 * The one contract between the UI and the core. Electron's IPC adapter and the web host are
 * both transports over a `Handlers` map typed from this object, so a call without a handler
 * does not compile.
 */
export const calls = {
  'app.info': {
    input: z.object({}),
    output: z.object({
      version: z.string(),
      dataDir: z.string(),
      shell: z.enum(['electron', 'web', 'cli']),
      systemLocale: z.string(),
      storeNotice: z.object({ kind: z.enum(['restored-from-backup']), corruptCopy: z.string(), backup: z.string() }).nullable(),
    }),
  },
  'catalog.list': {
    input: z.object({ includeInactive: z.boolean().default(true) }),
    output: z.array(ModelView),
  },
  'catalog.summary': { input: z.object({}), output: CatalogSummary },
  'catalog.compare': { input: z.object({}), output: CompareReport },
  /** ask the provider whether a model marked "no longer offered" is listed again; if so the mark goes */
  'catalog.recheck': { input: z.object({ key: z.string().min(3) }), output: z.object({ available: z.boolean() }) },
  'catalog.recommendations': { input: z.object({}), output: z.array(Recommendation) },
  'credits.get': { input: z.object({}), output: CreditsState },
  'credits.history': {
    input: z.object({
      page: z.number().int().nonnegative().default(0),
      pageSize: z.number().int().min(1).max(200).default(20),
    }),
    output: z.object({ entries: z.array(LedgerEntry), total: z.number().int() }),
  },
  'credits.topUp': {
    input: z.object({
      amount: z.number().int().positive().max(MAX_TOP_UP),
      reason: z.string().max(200).default(''),
      /** the same id sent again (a retry after a lost answer) adds the credits only once */
      requestId: z.string().min(8).max(100).optional(),
    }),
    output: CreditsState,
  },
  'pricing.preview': { input: z.object({ text: z.string().max(1_000_000) }), output: PricingPreview },
  'pricing.apply': {
    input: z.object({ text: z.string().max(1_000_000), confirmWarnings: z.boolean().default(false) }),
    output: PricingHistoryEntry,
  },
  'pricing.history': { input: z.object({}), output: z.array(PricingHistoryEntry) },
  'pricing.undo': { input: z.object({}), output: PricingHistoryEntry },
  'pricing.set': {
    input: z.object({
      provider: CloudProviderId,
      modelId: ModelId,
      multiplier: z.string().max(20).optional(),
      active: z.boolean().optional(),
      reason: z.string().trim().min(1, 'a reason is required').max(500),
    }),
    output: PricingHistoryEntry,
  },
  'enhance.start': { input: EnhanceRequest, output: z.object({ id: z.string() }) },
  'enhance.cancel': { input: z.object({ id: z.string() }), output: z.object({ cancelled: z.boolean() }) },
  'enhance.history': {
    // the newest runs: the history grows with every run, and no caller needs all of it at once
    input: z.object({ limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).default(HISTORY_PAGE_SIZE) }),
    output: z.array(EnhancementRecord),
  },
  'enhance.output': {
    input: z.object({ id: z.string() }),
    output: z.object({ input: z.string(), output: z.string(), partial: z.boolean() }),
  },
  'enhance.compare': {
    input: EnhanceRequest.omit({ provider: true, modelId: true, compareId: true }).extend({
      models: z
        .array(z.object({ provider: ProviderId, modelId: z.string() }))
        .min(2)
        .max(4),
    }),
    output: z.object({
      compareId: z.string(),
      runs: z.array(
        z.object({ provider: ProviderId, modelId: z.string(), id: z.string().nullable(), error: AppErrorShape.nullable() }),
      ),
    }),
  },
  'providers.status': { input: z.object({}), output: z.array(ProviderStatus) },
  'providers.setKey': {
    input: z.object({ provider: ProviderId, key: z.string().max(500).nullable(), allowWeakStorage: z.boolean().default(false) }),
    output: z.array(ProviderStatus),
  },
  'providers.testKey': {
    input: z.object({ provider: ProviderId }),
    /** `error`: when the key could not even be tried (none, or given for another URL), to word in the UI */
    output: z.object({ ok: z.boolean(), message: z.string(), models: z.number().int(), error: AppErrorShape.optional() }),
  },
  'providers.refreshLocalModels': { input: z.object({}), output: z.array(z.string()) },
  'prompts.list': { input: z.object({}), output: z.array(SavedPrompt) },
  'prompts.save': { input: SavedPrompt.omit({ id: true }), output: z.array(SavedPrompt) },
  'prompts.delete': { input: z.object({ id: z.string() }), output: z.array(SavedPrompt) },
  'transcribe.add': {
    input: z.object({ files: z.array(z.string().min(1)).min(1).max(100), options: TranscribeOptions.partial().default({}) }),
    output: z.array(Job),
  },
  'transcribe.jobs': { input: z.object({}), output: z.array(Job) },
  'transcribe.cancel': { input: z.object({ id: z.string() }), output: z.object({ cancelled: z.boolean() }) },
  'transcribe.retry': { input: z.object({ id: z.string() }), output: Job },
  'transcribe.remove': { input: z.object({ id: z.string() }), output: z.array(Job) },
  /** finished, failed and cancelled jobs off the queue; their transcripts stay */
  'transcribe.clearFinished': { input: z.object({}), output: z.array(Job) },
  'transcripts.delete': { input: z.object({ id: z.string() }), output: z.object({ deleted: z.boolean() }) },
  'transcripts.list': {
    input: z.object({
      query: z.string().max(200).default(''),
      limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).default(HISTORY_PAGE_SIZE),
      offset: z.number().int().nonnegative().default(0),
    }),
    output: TranscriptPage,
  },
  'transcripts.get': {
    input: z.object({ id: z.string() }),
    output: z.object({ meta: TranscriptMeta, segments: z.array(Segment) }),
  },
  'transcripts.updateSegment': {
    input: z.object({
      id: z.string(),
      segmentId: z.number().int(),
      text: z.string().max(10_000),
      /** the revision the editor showed, and the segment's text then: a save on an older one is merged or refused */
      revision: z.number().int().nonnegative().optional(),
      previousText: z.string().max(10_000).optional(),
    }),
    output: TranscriptMeta,
  },
  /**
   * The chosen segments (`segmentIds`, or the range `from`..`to`) transcribed again, with another
   * model or language. Each run of adjacent chosen segments is replaced on its own; every other
   * segment stays as it was. `changed`: the ids the new segments have; `undo` takes them back.
   */
  'transcripts.retranscribe': {
    input: z.object({
      id: z.string(),
      segmentIds: z.array(z.number().int().nonnegative()).min(1).max(100_000).optional(),
      from: z.number().int().nonnegative().optional(),
      to: z.number().int().nonnegative().optional(),
      model: z.string().min(1).optional(),
      language: z.string().min(2).max(8).optional(),
      /** names and jargon to expect (absent: the transcript's own word list) */
      prompt: z.string().max(2000).optional(),
    }),
    output: z.object({ segments: z.array(Segment), changed: z.array(z.number().int()), undo: z.string() }),
  },
  /** The segments a re-transcription replaced, put back (refused once one of its new segments was edited) */
  'transcripts.undoRetranscribe': {
    input: z.object({ id: z.string(), undo: z.string().max(100) }),
    output: z.object({ segments: z.array(Segment) }),
  },
  'transcripts.export': {
    input: z.object({
      id: z.string(),
      format: ExportFormat,
      subtitles: SubtitleRules.partial().optional(),
      /** Markdown and DOCX: names and times beside the text (both shown when absent) */
      document: DocumentOptions.partial().optional(),
    }),
    /** text formats as they are; DOCX as base64 */
    output: z.object({ fileName: z.string(), content: z.string(), encoding: z.enum(['utf8', 'base64']) }),
  },
  /** several transcripts in one format, as one zip archive (base64) */
  'transcripts.exportMany': {
    input: z.object({
      ids: z.array(z.string()).min(1).max(500),
      format: ExportFormat,
      subtitles: SubtitleRules.partial().optional(),
      document: DocumentOptions.partial().optional(),
    }),
    output: z.object({ fileName: z.string(), base64: z.string() }),
  },
  'models.list': { input: z.object({}), output: z.array(WhisperModelInfo) },
  'models.download': { input: z.object({ name: z.string() }), output: z.object({ started: z.boolean() }) },
  'models.cancelDownload': { input: z.object({ name: z.string() }), output: z.object({ cancelled: z.boolean() }) },
  'models.delete': { input: z.object({ name: z.string() }), output: z.array(WhisperModelInfo) },
  'models.import': { input: z.object({ path: z.string().min(1) }), output: z.array(WhisperModelInfo) },
  'app.openFolder': {
    input: z.object({ which: z.enum(['data', 'models']) }),
    output: z.object({ opened: z.boolean(), path: z.string() }),
  },
  'settings.get': { input: z.object({}), output: Settings },
  'settings.set': { input: SettingsPatch, output: Settings },
  ...speakerCalls,
  ...voiceCalls,
  ...libraryCalls,
  ...remoteTranscribeCalls,
  ...watchCalls,
  ...hardwareCalls,
  ...recordingCalls,
  ...localLlmCalls,
  ...editorCalls,
  ...apiCalls,
  ...urlImportCalls,
  ...updateCalls,
} as const

export const events = {
  'credits.changed': CreditsState,
  'catalog.changed': z.object({ reason: z.string() }),
  'settings.changed': Settings,
  'transcribe.job': Job,
  /** a transcript was edited or deleted */
  'transcripts.changed': z.object({ id: z.string(), deleted: z.boolean() }),
  'models.download': ModelDownloadEvent,
  'enhance.delta': z.object({
    id: z.string(),
    chunk: z.number().int(),
    phase: z.enum(['map', 'reduce']),
    text: z.string(),
    /** the chunk is being retried: drop what it streamed so far */
    reset: z.boolean(),
  }),
  'enhance.progress': z.object({
    id: z.string(),
    /** the part that just finished (map phase): a pipe can print it as soon as it is complete */
    chunk: z.number().int().optional(),
    chunksDone: z.number().int(),
    chunksTotal: z.number().int(),
    phase: z.enum(['map', 'reduce']),
  }),
  /** a part's request failed and is tried again after `delayMs` (a rate limit, an overload, a cut stream) */
  'enhance.retry': z.object({
    id: z.string(),
    chunk: z.number().int(),
    phase: z.enum(['map', 'reduce']),
    reason: RetryReason,
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    delayMs: z.number(),
  }),
  'enhance.finished': z.object({
    id: z.string(),
    status: z.enum(['done', 'failed', 'cancelled']),
    result: EnhanceResult.nullable(),
    error: AppErrorShape.nullable(),
  }),
  ...speakerEvents,
  ...remoteTranscribeEvents,
  ...watchEvents,
  ...hardwareEvents,
  ...recordingEvents,
  ...localLlmEvents,
  ...editorEvents,
  ...apiEvents,
  ...urlImportEvents,
} as const

export type Calls = typeof calls
export type CallName = keyof Calls
export type CallInput<K extends CallName> = z.input<Calls[K]['input']>
export type CallOutput<K extends CallName> = z.infer<Calls[K]['output']>
export type EventName = keyof typeof events
export type EventPayload<K extends EventName> = z.infer<(typeof events)[K]>

export type Handlers = {
  [K in CallName]: (input: z.infer<Calls[K]['input']>) => Promise<CallOutput<K>>
}

/** A feature's share of the map: the handlers of the calls named `<prefix>.…`. */
export type HandlersOf<P extends string> = Pick<Handlers, Extract<CallName, `${P}.${string}`>>

export const callNames = Object.keys(calls) as CallName[]
export const eventNames = Object.keys(events) as EventName[]

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(calls, name)
}

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name)
}

/** What `window.api` offers the renderer, whichever shell hosts it. */
export interface Api {
  invoke<K extends CallName>(channel: K, input: CallInput<K>): Promise<CallOutput<K>>
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void
  /** a URL the page's <audio>/<video> can play a transcript's media from */
  mediaUrl(transcriptId: string): string
  /** hand the shell a file the user picked or dropped; returns the path the core can read */
  addFile(file: File): Promise<string>
}

/** Envelope every transport returns so errors keep their code across the boundary. */
export type Envelope<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string; key?: string; params?: Record<string, string | number> } }

export { ProviderId, Preset }
