import { z } from 'zod'
import { ApiServerSetting, defaultApiServerSetting } from './calls/api-calls'
import { EngineBackendSetting } from './calls/hardware-calls'
import { WatchFolder } from './calls/watch-calls'
import { Preset } from './enhance-types'
import { baseUrlProviderIds, type BaseUrlProviderId } from './providers'

/**
 * Speech detection's defaults (Silero's own threshold, faster-whisper's padding) and the choices
 * the Settings page offers; the detector (core/vad) starts from the same figures.
 */
export const VAD_DEFAULTS = { threshold: 0.5, paddingSec: 0.4 } as const
export const VAD_THRESHOLD_CHOICES = { vadSensitive: 0.3, vadBalanced: VAD_DEFAULTS.threshold, vadStrict: 0.7 } as const
export const VAD_PADDING_CHOICES: readonly number[] = [0, 0.2, VAD_DEFAULTS.paddingSec, 0.8, 1.5]

export const Locale = z.enum(['tr', 'en'])
export type Locale = z.infer<typeof Locale>

export const Settings = z.object({
  /** null: follow the operating system's language */
  locale: Locale.nullable(),
  theme: z.enum(['system', 'light', 'dark']),
  baseCredits: z.number().int().positive().max(10_000),
  startingBalance: z.number().int().nonnegative(),
  lowBalanceThreshold: z.number().int().nonnegative(),
  groqTier: z.enum(['free', 'developer']),
  /**
   * per-provider base URL overrides (a proxy, a mirror, or the local server for 'custom'); a
   * provider added later reads null from a settings file written before it
   */
  baseUrls: z.object(
    Object.fromEntries(baseUrlProviderIds.map((id) => [id, z.string().url().nullable().default(null)])) as Record<
      BaseUrlProviderId,
      z.ZodDefault<z.ZodNullable<z.ZodString>>
    >,
  ),
  /** how many chunks of one enhancement may be in flight at once */
  enhanceConcurrency: z.number().int().min(1).max(8),
  /** null: <data dir>/models */
  modelsDir: z.string().nullable(),
  /** the whisper model new jobs use; null until one is installed and chosen */
  whisperModel: z.string().nullable(),
  transcribeLanguage: z.string().min(2).max(8),
  /** null: as many as the machine has cores, up to 8 */
  threads: z.number().int().min(1).max(64).nullable(),
  transcribeConcurrency: z.number().int().min(1).max(4),
  /** Hugging Face mirror for model downloads */
  modelBaseUrl: z.string().url().nullable(),
  /** "provider/modelId" preselected on the Enhance page */
  defaultEnhanceModel: z.string().nullable(),
  defaultPreset: Preset,
  /** voice activity detection: only speech goes to whisper (no text invented in silence) */
  vadEnabled: z.boolean(),
  /** Silero's speech probability above which a frame is speech */
  vadThreshold: z.number().min(0.05).max(0.95),
  /** seconds of audio kept around each speech region */
  vadPaddingSec: z.number().min(0).max(2),
  // --- speakers ---
  /** clustering threshold of speaker detection: higher finds fewer speakers (used when the number is automatic) */
  speakerThreshold: z.number().min(0.05).max(0.95),
  // --- cloud and self-hosted transcription ---
  /** OpenAI-compatible transcription servers of the user's own, used in parallel (0 credits) */
  transcriptionServers: z.array(z.object({ url: z.string().url(), concurrency: z.number().int().min(1).max(16) })).max(16),
  /** the cloud provider's upload limit per request, MB (Groq's free tier: 25) */
  cloudMaxUploadMB: z.number().int().min(1).max(1000),
  /** receivers ('groq', 'openai', a server URL) the user was told audio goes to, and agreed */
  cloudNoticeAcknowledged: z.array(z.string().max(2000)).max(100),
  // --- watch folders ---
  /** folders whose new media is transcribed once fully written */
  watchFolders: z.array(WatchFolder).max(32),
  // --- hardware ---
  /** which engine build transcribes: auto (the fastest that works here), or one forced */
  engineBackend: EngineBackendSetting.default('auto'),
  // --- transcription API ---
  /** the desktop app serves the OpenAI-compatible transcription API while this is on */
  apiServer: ApiServerSetting.default(defaultApiServerSetting),
  // --- import from a link ---
  /** the largest download a link may bring, MB: refused early from Content-Length, stopped there otherwise */
  urlImportMaxMB: z.number().int().min(1).max(100_000).default(2048),
  /** the user was told that importing a link sends a request to that site, and agreed */
  urlImportNoticeAcknowledged: z.boolean().default(false),
})
export type Settings = z.infer<typeof Settings>

export const defaultSettings: Settings = {
  locale: null,
  theme: 'system',
  baseCredits: 20,
  startingBalance: 1000,
  lowBalanceThreshold: 100,
  groqTier: 'free',
  baseUrls: Object.fromEntries(baseUrlProviderIds.map((id) => [id, null])) as Record<BaseUrlProviderId, null>,
  enhanceConcurrency: 3,
  modelsDir: null,
  whisperModel: null,
  transcribeLanguage: 'auto',
  threads: null,
  transcribeConcurrency: 1,
  modelBaseUrl: null,
  defaultEnhanceModel: null,
  defaultPreset: 'cleanup',
  vadEnabled: true,
  vadThreshold: VAD_DEFAULTS.threshold,
  vadPaddingSec: VAD_DEFAULTS.paddingSec,
  // --- speakers ---
  speakerThreshold: 0.5,
  // --- cloud and self-hosted transcription ---
  transcriptionServers: [],
  cloudMaxUploadMB: 25,
  cloudNoticeAcknowledged: [],
  // --- watch folders ---
  watchFolders: [],
  // --- hardware ---
  engineBackend: 'auto',
  // --- transcription API ---
  apiServer: defaultApiServerSetting,
  // --- import from a link ---
  urlImportMaxMB: 2048,
  urlImportNoticeAcknowledged: false,
}

export const SettingsPatch = Settings.partial()
export type SettingsPatch = z.infer<typeof SettingsPatch>
