import { AppError } from '../shared/errors'
import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { Handlers } from '../shared/contract'
import { Settings } from '../shared/settings-types'
import type { WhisperModelInfo } from '../shared/transcribe-types'
import { CatalogService } from './catalog/catalog-service'
import { CreditsService } from './credits/credits-service'
import { EventBus } from './event-bus'
import { createInitialDb } from './initial-db'
import { EnhanceService, type RetryPolicy } from './enhance/enhance-service'
import { PricingService } from './pricing/pricing-service'
import { EnvKeyStore, type KeyStore } from './providers/key-store'
import { fileOnlySealer, SealedKeyStore } from './providers/sealed-key-store'
import { ProvidersService } from './providers/providers-service'
import { ModelDownloads } from './models/model-downloads'
import { ModelManager } from './models/model-manager'
import { SpeakerService } from './diarize/speaker-service'
import { voiceHandlers } from './diarize/voice-handlers'
import { TranscriptionService } from './transcribe/transcription-service'
import { HardwareService } from './hardware/hardware-service'
import { BenchRunner } from './hardware/bench'
import { RemoteTranscriber, requireNoticeAcknowledged } from './transcribe/remote-job'
import { TranscriptStore } from './transcribe/transcript-store'
import { exportMany } from './transcribe/batch-export'
import { editorHandlers } from './transcribe/editor-handlers'
import { ProcessOwner } from './runtime/process-owner'
import { LibraryIndex } from './library/library-index'
import { LibraryDb } from './store/library-db'
import { RecordingService } from './recording/recording-service'
import { cleanStaleRuntime } from './runtime/stale-runtime'
import { recoverInterruptedWork } from './runtime/work-recovery'
import { modelsDirOf } from './paths'
import { openLocalLlm, type LocalLlmOptions } from './local-llm/local-llm-core'
import { Store } from './store/store'
import { sweepOrphanUploads } from './uploads/upload-store'
import { watchHandlers } from './watch/watch-folders'
import { WatchService } from './watch/watch-service'
import { ApiService } from './api/api-server'
import { sweepPartialDownloads, UrlImports } from './media/url-import'
import { decideUpdate, type UpdateSource } from './updates/update-decision'
import { isJobActive } from '../shared/transcribe-types'

export interface CoreOptions {
  dataDir: string
  shell: 'electron' | 'web' | 'cli'
  version: string
  systemLocale: string
  /**
   * API keys: Electron passes its safeStorage store; the web host keeps typed keys in a 0600 file
   * in the data folder; the CLI reads the environment
   */
  keys?: KeyStore
  env?: NodeJS.ProcessEnv
  retry?: Partial<RetryPolicy>
  /** the packaged app's resources folder, where the engine binaries are */
  resourcesDir?: string
  /** tests and benchmarks: decode without temperature fallback */
  noFallback?: boolean
  /** how model downloads reach the network (Electron: net.fetch, which honours the system proxy) */
  fetch?: typeof fetch
  /** opens a folder in the OS file manager; only the Electron shell can (and it opens only directories) */
  openFolder?: (dir: string) => Promise<boolean>
  /** tests: shorter decode windows, to exercise window boundaries on short files */
  transcribeWindowSec?: number
  /** the built-in LLM engine: threads, memory probe (tests inject a small figure) */
  localLlm?: LocalLlmOptions
  /** the packaged desktop app's update feed (electron-updater); the other shells come with their package */
  updates?: UpdateSource
}

export interface Core {
  store: Store
  /** jobs, the transcript index, watched files and the search index (library.db) */
  library: LibraryDb
  events: EventBus
  catalog: CatalogService
  credits: CreditsService
  pricing: PricingService
  enhance: EnhanceService
  providers: ProvidersService
  models: ModelManager
  transcription: TranscriptionService
  hardware: HardwareService
  transcripts: TranscriptStore
  speakers: SpeakerService
  recording: RecordingService
  /** watch folders and folder runs */
  watch: WatchService
  /** the OpenAI-compatible transcription API: its token, handler and Settings-driven listener */
  api: ApiService
  dataDirPath: string
  handlers: Handlers
  close: () => Promise<void>
}

/** Open the data dir and wire the services; every shell starts here. */
export async function openCore(opts: CoreOptions): Promise<Core> {
  // a long-running shell follows the other processes' writes; a CLI run is over before they matter
  let opened: LibraryDb | null = null
  const store = await Store.open(opts.dataDir, createInitialDb, {
    watch: opts.shell !== 'cli',
    // a db.json from before library.db: its rows move there first; until then library.db held
    // only the search index, which is made anew if it is damaged
    carry: (rows) => {
      opened = LibraryDb.open(opts.dataDir, { onlyDerived: true })
      opened.carryIn(rows)
    },
  })
  let library: LibraryDb
  try {
    library = opened ?? LibraryDb.open(opts.dataDir)
  } catch (err) {
    store.close()
    throw err
  }
  const self = await ProcessOwner.start(opts.dataDir)
  const events = new EventBus()
  const localLlm = openLocalLlm(() => modelsDirOf(opts.dataDir, store.data.settings), events, {
    fetchImpl: opts.fetch,
    ...opts.localLlm,
  })
  const catalog = new CatalogService(store, localLlm.views)
  const credits = new CreditsService(store, (s) => events.emit('credits.changed', s), self.owner)
  const pricing = new PricingService(store, events)
  await pricing.mergeBundledIfNewer()
  const env = opts.env ?? process.env
  const keys =
    opts.keys ??
    (opts.shell === 'web'
      ? // its own file: Electron's keys.json is sealed by a keychain this process cannot open
        new SealedKeyStore(fileOnlySealer, path.join(opts.dataDir, 'web-keys.json'), env)
      : new EnvKeyStore(env))
  const enhance = new EnhanceService({
    store,
    catalog,
    credits,
    events,
    keys,
    dataDir: opts.dataDir,
    env,
    retry: opts.retry,
    owner: self.owner,
    builtin: localLlm.builtin,
  })
  const providers = new ProvidersService(store, keys, events, env)
  const models = new ModelManager(() => modelsDirOf(opts.dataDir, store.data.settings), undefined, undefined, opts.fetch)
  const transcripts = new TranscriptStore(library, events, opts.dataDir, new LibraryIndex(library))
  const speakers = new SpeakerService({
    store,
    events,
    transcripts,
    modelsDir: () => modelsDirOf(opts.dataDir, store.data.settings),
    env,
    fetch: opts.fetch,
    dataDir: opts.dataDir,
  })
  // --- cloud and self-hosted transcription ---
  const remote = new RemoteTranscriber({ store, credits, catalog, keys, env, resourcesDir: opts.resourcesDir })
  const hardware = new HardwareService({ store, resourcesDir: opts.resourcesDir, env })
  const transcription = new TranscriptionService({
    hardware,
    remote,
    transcripts,
    store,
    library,
    events,
    models,
    dataDir: opts.dataDir,
    resourcesDir: opts.resourcesDir,
    env,
    noFallback: opts.noFallback,
    windowSec: opts.transcribeWindowSec,
    owner: self.owner,
  })
  const bench = new BenchRunner({
    events,
    models,
    hardware,
    dataDir: opts.dataDir,
    threads: () => transcription.defaultThreads(),
    resourcesDir: opts.resourcesDir,
    env,
  })
  // only work whose process is gone; the app and a CLI run side by side leave each other's alone
  await recoverInterruptedWork(store, self, library)
  await self.sweep()
  // temp audio and engine processes that belonged to processes that are gone
  await cleanStaleRuntime({ dataDir: opts.dataDir })
  await sweepOrphanUploads(opts.dataDir, library)
  // another process (the CLI, a second shell) wrote db.json: every page catches up
  store.onExternalChange(() => {
    credits.changed()
    events.emit('catalog.changed', { reason: 'external' })
    events.emit('settings.changed', store.data.settings)
  })
  // ... or library.db: only the jobs it added or moved on are sent, not the whole history
  if (opts.shell !== 'cli') {
    let seen = library.jobs.mark()
    library.watch(() => {
      events.emit('transcripts.changed', { id: '', deleted: false })
      const since = seen
      seen = library.jobs.mark()
      for (const job of library.jobs.changedSince(since)) events.emit('transcribe.job', transcription.withLive(job))
    })
  }
  // --- watch folders --- (after recovery: it finishes what gone processes left)
  const watch = new WatchService({
    store,
    library,
    events,
    transcription,
    transcripts,
    self,
    dataDir: opts.dataDir,
    env,
    log: (m) => console.warn(`watch: ${m}`),
  })
  // --- media from a link ---
  await sweepPartialDownloads(opts.dataDir)
  const urlImports = new UrlImports({
    dataDir: opts.dataDir,
    settings: () => store.data.settings,
    events,
    env,
    fetch: opts.fetch,
    addJob: (file, options) => transcription.add([file], options),
  })
  const downloads = new ModelDownloads(models, events, () => store.data.settings.modelBaseUrl)
  // --- recording ---
  const recording = new RecordingService({
    dataDir: opts.dataDir,
    store,
    events,
    models,
    transcription,
    transcripts,
    self,
    resourcesDir: opts.resourcesDir,
    env,
    noFallback: opts.noFallback,
    labelSpeakers: async (id) => {
      if (speakers.models().every((m) => m.installed)) await speakers.detect(id, 'auto')
    },
  })

  // --- transcription API ---
  const api = new ApiService({ dataDir: opts.dataDir, store, events, transcription, transcripts, models })

  /** the model list with this machine's measured speeds; once measured, speed decides the recommendation */
  const withSpeed = async (list: WhisperModelInfo[]): Promise<WhisperModelInfo[]> => {
    const status = await hardware.status()
    if (status.bench.length === 0) return list
    const rtf = (name: string) => status.bench.find((b) => b.model === name && b.backend === status.chosen.backend)?.rtf ?? null
    return list.map((m) => ({ ...m, measuredRtf: rtf(m.name), recommended: m.name === status.recommendedModel }))
  }
  const handlers: Handlers = {
    'app.info': async () => ({
      version: opts.version,
      dataDir: opts.dataDir,
      shell: opts.shell,
      systemLocale: opts.systemLocale,
      storeNotice: store.notice,
    }),
    'catalog.list': async ({ includeInactive }) => catalog.list(includeInactive),
    'catalog.summary': async () => catalog.summary(),
    'catalog.compare': async () => catalog.compare(),
    'catalog.recheck': async ({ key }) => providers.recheck(key),
    'catalog.recommendations': async () => catalog.recommendations(),
    'credits.get': async () => credits.state(),
    'credits.history': async ({ page, pageSize }) => credits.history(page, pageSize),
    'credits.topUp': async ({ amount, reason, requestId }) => credits.topUp(amount, reason, requestId),
    'pricing.preview': async ({ text }) => pricing.preview(text),
    'pricing.apply': async ({ text, confirmWarnings }) => pricing.apply(text, { confirmWarnings }),
    'pricing.history': async () => pricing.history(),
    'pricing.undo': async () => pricing.undo(),
    'pricing.set': async (edit) => pricing.setModel(edit),
    'enhance.start': async (req) => enhance.start(req),
    'enhance.cancel': async ({ id }) => ({ cancelled: enhance.cancel(id) }),
    'enhance.history': async () => enhance.history(),
    'enhance.output': async ({ id }) => enhance.output(id),
    'enhance.compare': async ({ models, ...rest }) => enhance.compare(rest, models),
    'providers.status': async () => providers.status(),
    'providers.setKey': async ({ provider, key, allowWeakStorage }) => providers.setKey(provider, key, allowWeakStorage),
    'providers.testKey': async ({ provider }) => providers.testKey(provider),
    'providers.refreshLocalModels': async () => providers.refreshLocalModels(),
    'prompts.list': async () => store.data.savedPrompts,
    'prompts.save': async ({ name, prompt }) =>
      store.mutate((db) => {
        // saving under an existing name replaces that prompt
        db.savedPrompts = [...db.savedPrompts.filter((p) => p.name !== name), { id: randomUUID(), name, prompt }]
        return db.savedPrompts
      }),
    'prompts.delete': async ({ id }) =>
      store.mutate((db) => {
        db.savedPrompts = db.savedPrompts.filter((p) => p.id !== id)
        return db.savedPrompts
      }),
    'transcribe.add': async ({ files, options }) => {
      requireNoticeAcknowledged(options, store.data.settings)
      return transcription.add(files, options)
    },
    'transcribe.jobs': async () => transcription.jobs(),
    'transcribe.estimate': async ({ file, model }) => remote.estimate(file, model),
    'transcribe.cancel': async ({ id }) => ({ cancelled: transcription.cancel(id) }),
    'transcribe.retry': async ({ id }) => transcription.retry(id),
    'transcribe.remove': async ({ id }) => {
      await transcription.removeJob(id)
      return transcription.jobs()
    },
    'transcribe.clearFinished': async () => {
      await transcription.clearFinished()
      return transcription.jobs()
    },
    'transcripts.delete': async ({ id }) => {
      await transcripts.delete(id)
      await speakers.voices.removeTranscript(id)
      return { deleted: true }
    },
    'transcripts.list': async ({ query }) => transcripts.list(query),
    'library.search': async ({ query, limit }) => {
      return (await transcripts.search(query, limit)).map((r) => ({
        transcript: library.transcripts.get(r.transcriptId)!,
        hits: r.hits,
      }))
    },
    'transcripts.get': async ({ id }) => transcripts.get(id),
    'transcripts.updateSegment': async ({ id, segmentId, text, revision, previousText }) =>
      transcripts.updateSegment(id, segmentId, text, { revision, previousText }),
    'transcripts.retranscribe': async ({ id, segmentIds, from, to, model, language, prompt }) =>
      transcription.retranscribe(id, segmentIds ?? rangeOf(from, to), { model, language, prompt }),
    'transcripts.undoRetranscribe': async ({ id, undo }) => transcription.undoRetranscribe(id, undo),
    'transcripts.export': async ({ id, format, subtitles, document }) => transcripts.exportText(id, format, subtitles, document),
    'transcripts.exportMany': async ({ ids, format, subtitles, document }) =>
      exportMany(transcripts, ids, format, subtitles, document),
    ...editorHandlers({ transcripts, transcription, enhance, dataDir: opts.dataDir }),
    'speakers.models': async () => speakers.models(),
    'speakers.downloadModels': async () => speakers.downloadModels(),
    'speakers.detect': async ({ id, speakers: count }) => speakers.detect(id, count),
    'speakers.cancel': async ({ id }) => ({ cancelled: speakers.cancel(id) }),
    'speakers.rename': async ({ id, speaker, name }) => speakers.rename(id, speaker, name),
    'speakers.merge': async ({ id, from, into }) => speakers.merge(id, from, into),
    'speakers.assign': async ({ id, segmentId, speaker }) => speakers.assign(id, segmentId, speaker),
    ...voiceHandlers(speakers),
    'models.list': async () => withSpeed(await models.list()),
    'models.download': async ({ name }) => ({ started: downloads.start(name) }),
    'models.cancelDownload': async ({ name }) => ({ cancelled: downloads.cancel(name) }),
    'models.delete': async ({ name }) => {
      await models.remove(name)
      return withSpeed(await models.list())
    },
    'models.import': async ({ path: file }) => {
      await models.importFile(file)
      return withSpeed(await models.list())
    },
    'app.openFolder': async ({ which }) => {
      const dir = which === 'data' ? opts.dataDir : modelsDirOf(opts.dataDir, store.data.settings)
      // Settings may name any path as the models folder, and the OS opens (runs) a file it is
      // handed: only an existing directory goes on (the Electron shell checks again).
      const isDir = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      )
      return { opened: isDir && opts.openFolder ? await opts.openFolder(dir) : false, path: dir }
    },
    ...localLlm.handlers,
    'settings.get': async () => store.data.settings,
    'settings.set': async (patch) => {
      const next = await store.mutate((db) => {
        db.settings = Settings.parse({ ...db.settings, ...patch })
        return db.settings
      })
      events.emit('settings.changed', next)
      if (patch.baseCredits !== undefined) events.emit('catalog.changed', { reason: 'baseCredits' })
      if (patch.lowBalanceThreshold !== undefined) events.emit('credits.changed', credits.state())
      return next
    },
    'hardware.status': async ({ refresh }) => hardware.status(refresh),
    'hardware.bench': async (input) => bench.run(input),
    ...recording.handlers(),
    ...watchHandlers({ store, events, dataDir: opts.dataDir, service: watch }),
    'api.status': async () => api.status(),
    'api.token': async () => ({ token: await api.token() }),
    'urlImport.start': async ({ url, options, noticeShown, queue }) => urlImports.start(url, options, { noticeShown, queue }),
    'urlImport.cancel': async ({ id }) => ({ cancelled: urlImports.cancel(id) }),
    'urlImport.list': async () => urlImports.list(),
    'urlImport.tool': async () => urlImports.tool(),
    'updates.check': async () => {
      const busy = {
        recordings: recording.liveCount(),
        transcriptions: transcription.jobs().filter((j) => isJobActive(j.status)).length,
      }
      if (!opts.updates) return { action: 'unsupported', current: opts.version, latest: null, busy }
      const feed = await opts.updates.latest()
      const action = feed ? decideUpdate(opts.version, feed, busy) : 'none'
      if (action === 'download-and-install-on-quit')
        void opts.updates.downloadAndInstallOnQuit().catch((err: unknown) => console.warn('update:', err))
      return { action, current: opts.version, latest: feed?.version ?? null, busy }
    },
  }
  // the app and the web host watch the settings' folders; the CLI only on `watch`
  if (opts.shell !== 'cli') void watch.start().catch((err: unknown) => console.warn('watch:', err))

  const close = async () => {
    downloads.cancelAll()
    urlImports.cancelAll()
    await localLlm.close()
    await recording.shutdown()
    await watch.close()
    await api.close()
    await transcription.shutdown()
    library.close()
    store.close()
    await self.close()
  }
  return {
    store,
    library,
    events,
    catalog,
    credits,
    pricing,
    enhance,
    providers,
    models,
    transcription,
    hardware,
    transcripts,
    speakers,
    recording,
    watch,
    api,
    dataDirPath: opts.dataDir,
    handlers,
    close,
  }
}

/** The ids `from`..`to`, for a re-transcription asked for as a range. */
function rangeOf(from: number | undefined, to: number | undefined): number[] {
  if (from === undefined || to === undefined || to < from || to - from > 100_000)
    throw new AppError('invalid-input', 'Choose the segments to transcribe again (segmentIds, or from and to)')
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
