import path from 'node:path'
import type { Handlers } from '../shared/contract'
import { apiHandlers } from './api/api-handlers'
import { appHandlers } from './app/app-handlers'
import { catalogHandlers } from './catalog/catalog-handlers'
import { creditsHandlers } from './credits/credits-handlers'
import { speakerHandlers } from './diarize/speaker-handlers'
import { enhanceHandlers } from './enhance/enhance-handlers'
import { hardwareHandlers } from './hardware/hardware-handlers'
import { localLlmHandlers } from './local-llm/local-llm-handlers'
import { urlImportHandlers } from './media/url-import-handlers'
import { modelsHandlers } from './models/models-handlers'
import { pricingHandlers } from './pricing/pricing-handlers'
import { providersHandlers } from './providers/providers-handlers'
import { recordingHandlers } from './recording/recording-handlers'
import { settingsHandlers } from './store/settings-handlers'
import { transcribeHandlers } from './transcribe/transcribe-handlers'
import { updatesHandlers } from './updates/updates-handlers'
import { watchHandlers } from './watch/watch-handlers'
import type { UpdateSource } from './updates/update-decision'
import { CatalogService } from './catalog/catalog-service'
import { CreditsService } from './credits/credits-service'
import { EventBus } from './event-bus'
import { createInitialDb } from './initial-db'
import { EnhanceService, type RetryPolicy } from './enhance/enhance-service'
import { importEnhancementFiles } from './enhance/enhancement-files'
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
import { RemoteTranscriber } from './transcribe/remote-transcriber'
import { TranscriptStore } from './transcribe/transcript-store'
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
import { WatchService } from './watch/watch-service'
import { ApiService } from './api/api-server'
import { sweepPartialDownloads, UrlImports } from './media/url-import'

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
  /** jobs, the transcript index, watched files, the enhancement index and the search index (library.db) */
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
    // only the search index, which is made anew if it is damaged. One from before the
    // enhancements moved: library.db already holds records, so a damaged one stops the start.
    carry: (rows) => {
      opened = LibraryDb.open(opts.dataDir, { onlyDerived: rows.from < 8 })
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
  // before recovery, which decides "paid and delivered" by a run's text row
  await importEnhancementFiles(library, opts.dataDir)
  const events = new EventBus()
  const index = new LibraryIndex(library)
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
    library,
    catalog,
    credits,
    events,
    keys,
    dataDir: opts.dataDir,
    env,
    retry: opts.retry,
    owner: self.owner,
    builtin: localLlm.builtin,
    index,
  })
  const providers = new ProvidersService(store, keys, events, env)
  const models = new ModelManager(() => modelsDirOf(opts.dataDir, store.data.settings), undefined, undefined, opts.fetch)
  const transcripts = new TranscriptStore(library, events, opts.dataDir, index)
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
  // done runs the search lacks (recovery may just have marked one done): SQL only, so before any search
  try {
    index.catchUpEnhancements()
  } catch {
    // derived: the next start tries again
  }
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

  // every call of the contract, each feature's from its own <feature>-handlers.ts
  const handlers: Handlers = {
    ...appHandlers({ store, ...opts }),
    ...catalogHandlers({ catalog, providers }),
    ...creditsHandlers(credits),
    ...pricingHandlers(pricing),
    ...enhanceHandlers({ enhance, store }),
    ...providersHandlers(providers),
    ...transcribeHandlers({ store, library, transcription, transcripts, remote, speakers }),
    ...editorHandlers({ transcripts, transcription, enhance, dataDir: opts.dataDir }),
    ...speakerHandlers(speakers),
    ...voiceHandlers(speakers),
    ...modelsHandlers({ models, downloads, hardware }),
    ...localLlmHandlers({ ...localLlm, events }),
    ...settingsHandlers({ store, events, credits }),
    ...hardwareHandlers({ hardware, bench }),
    ...recordingHandlers(recording),
    ...watchHandlers({ store, events, dataDir: opts.dataDir, service: watch }),
    ...apiHandlers(api),
    ...urlImportHandlers(urlImports),
    ...updatesHandlers({ version: opts.version, updates: opts.updates, recording, transcription }),
  }
  // the app and the web host watch the settings' folders; the CLI only on `watch`
  if (opts.shell !== 'cli') void watch.start().catch((err: unknown) => console.warn('watch:', err))

  const close = async () => {
    downloads.cancelAll()
    urlImports.cancelAll()
    // its runs settled (refunded, recorded) while the files and the built-in engine are still open
    await enhance.shutdown()
    await localLlm.close()
    await recording.shutdown()
    await watch.close()
    await api.close()
    await transcription.shutdown()
    await transcripts.close()
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
