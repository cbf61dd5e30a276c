/**
 * Every provider the app can send work to (or run in-process), with each fact about it in one
 * place. The id lists, the key variables, base URLs, sort order, the CLI's help and the
 * renderer's names are derived from this table: adding a provider is a row here plus its models
 * in the bundled catalog (and its name in the locales when `translatedName` is set).
 */
export interface ProviderInfo {
  /** the name the English messages and the CLI use; brands are shown as-is in every language */
  readonly name: string
  /** true: the renderer words the name from its locales (`providers.<id>`), e.g. "Yerel sunucu" */
  readonly translatedName: boolean
  /** the bundled catalog prices its models in credits (a cloud API) */
  readonly cloud: boolean
  /** where the CLI and the web host read its API key from; null: it takes none */
  readonly keyEnvVar: string | null
  /** calls are refused without a key (a local server may not need one) */
  readonly needsKey: boolean
  /** its OpenAI-compatible API; null: the user gives it (a local server) or nothing is sent */
  readonly defaultBaseUrl: string | null
  /** the user can point it at another URL (a proxy, a mirror, their own server) */
  readonly baseUrlSetting: boolean
  /** which SDK speaks to it */
  readonly sdk: 'groq-sdk' | 'openai' | null
  /** it also transcribes audio (catalog rows of kind transcription, `<id>/<model>`) */
  readonly transcribes: boolean
  /** place in "sort by provider": the free local ones first, then the cloud by the seed's order */
  readonly sortOrder: number
  /** what the seed says it is best for, and its rate limit: locale keys of the Compare page */
  readonly bestForKey: string
  readonly rateLimitKey: string
  /** requests per minute per model on the free tier; null where limits are dynamic or higher */
  readonly freeTierRpm: number | null
}

export const providers = {
  gemini: {
    name: 'Gemini',
    translatedName: false,
    cloud: true,
    keyEnvVar: 'GEMINI_API_KEY',
    needsKey: true,
    defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai/',
    baseUrlSetting: true,
    sdk: 'openai',
    transcribes: false,
    sortOrder: 5,
    bestForKey: 'bestFor.longContext',
    rateLimitKey: 'rateLimit.higher',
    freeTierRpm: null,
  },
  groq: {
    name: 'Groq',
    translatedName: false,
    cloud: true,
    keyEnvVar: 'GROQ_API_KEY',
    needsKey: true,
    // groq-sdk adds /openai/v1 itself
    defaultBaseUrl: 'https://api.groq.com',
    baseUrlSetting: true,
    sdk: 'groq-sdk',
    transcribes: true,
    sortOrder: 2,
    bestForKey: 'bestFor.realtime',
    rateLimitKey: 'rateLimit.perMinute',
    freeTierRpm: 30,
  },
  openai: {
    name: 'OpenAI',
    translatedName: false,
    cloud: true,
    keyEnvVar: 'OPENAI_API_KEY',
    needsKey: true,
    defaultBaseUrl: 'https://api.openai.com/v1',
    baseUrlSetting: true,
    sdk: 'openai',
    transcribes: true,
    sortOrder: 4,
    bestForKey: 'bestFor.quality',
    rateLimitKey: 'rateLimit.higher',
    freeTierRpm: null,
  },
  together: {
    name: 'Together AI',
    translatedName: false,
    cloud: true,
    keyEnvVar: 'TOGETHER_API_KEY',
    needsKey: true,
    defaultBaseUrl: 'https://api.together.xyz/v1',
    baseUrlSetting: true,
    sdk: 'openai',
    transcribes: false,
    sortOrder: 3,
    bestForKey: 'bestFor.batch',
    rateLimitKey: 'rateLimit.higher',
    freeTierRpm: null,
  },
  custom: {
    name: 'The local server',
    translatedName: true,
    cloud: false,
    keyEnvVar: 'MP4TOTEXT_CUSTOM_API_KEY',
    needsKey: false,
    defaultBaseUrl: null,
    baseUrlSetting: true,
    sdk: 'openai',
    transcribes: false,
    sortOrder: 1,
    bestForKey: 'bestFor.privacy',
    rateLimitKey: 'rateLimit.none',
    freeTierRpm: null,
  },
  builtin: {
    name: 'The built-in engine',
    translatedName: true,
    cloud: false,
    // in-process: no key, no URL, nothing sent anywhere
    keyEnvVar: null,
    needsKey: false,
    defaultBaseUrl: null,
    baseUrlSetting: false,
    sdk: null,
    transcribes: false,
    sortOrder: 0,
    bestForKey: 'bestFor.privacy',
    rateLimitKey: 'rateLimit.none',
    freeTierRpm: null,
  },
} as const satisfies Record<string, ProviderInfo>

export type ProviderId = keyof typeof providers

type IdsWhere<K extends keyof ProviderInfo, V> = {
  [P in ProviderId]: (typeof providers)[P][K] extends V ? P : never
}[ProviderId]

/** The providers whose models the bundled catalog prices. */
export type CloudProviderId = IdsWhere<'cloud', true>
/** The cloud providers that also transcribe audio. */
export type TranscriptionProviderId = IdsWhere<'transcribes', true>
/** The providers whose base URL the user may set. */
export type BaseUrlProviderId = IdsWhere<'baseUrlSetting', true>

const ids = Object.keys(providers) as ProviderId[]
const where = <T extends ProviderId>(test: (p: ProviderInfo) => boolean) => ids.filter((id) => test(providers[id])) as T[]

/** A non-empty tuple for z.enum, typed by what it holds. */
const tuple = <T extends string>(list: T[]) => list as [T, ...T[]]

export const providerIds = tuple(ids)
export const cloudProviderIds = tuple(where<CloudProviderId>((p) => p.cloud))
export const transcriptionProviderIds = tuple(where<TranscriptionProviderId>((p) => p.cloud && p.transcribes))
export const baseUrlProviderIds = tuple(where<BaseUrlProviderId>((p) => p.baseUrlSetting))

export const providerInfo = (id: ProviderId): ProviderInfo => providers[id]

/** The environment variables keys are read from, for the providers that take one. */
export const keyEnvVarList: string[] = ids.flatMap((id) => {
  const v: string | null = providers[id].keyEnvVar
  return v ? [v] : []
})

/** The provider's key as the environment gives it (trimmed), if it takes one and one is set. */
export function keyFromEnv(id: ProviderId, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const variable: string | null = providers[id].keyEnvVar
  return (variable && env[variable]?.trim()) || undefined
}

/** The variable a message tells the user to set (empty for a provider that takes no key). */
export const keyEnvVarOf = (id: ProviderId): string => providers[id].keyEnvVar ?? ''

/**
 * A cloud transcription model's reference, "groq/whisper-large-v3-turbo": its provider and the
 * provider's own model id; null for anything else (a local model, a file, a server).
 */
export function cloudTranscriptionModel(
  ref: string | null | undefined,
): { provider: TranscriptionProviderId; modelId: string } | null {
  const slash = (ref ?? '').indexOf('/')
  if (slash < 1) return null
  const provider = ref!.slice(0, slash) as TranscriptionProviderId
  const modelId = ref!.slice(slash + 1)
  return (transcriptionProviderIds as string[]).includes(provider) && modelId ? { provider, modelId } : null
}
