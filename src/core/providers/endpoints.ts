import type { ProviderId } from '../../shared/catalog-types'
import { providers, type BaseUrlProviderId } from '../../shared/providers'
import type { Settings } from '../../shared/settings-types'

/** Where the provider's OpenAI-compatible API lives unless the user says otherwise. */
export const defaultBaseUrl = (p: ProviderId): string | null => providers[p].defaultBaseUrl

export const baseUrlEnvVar = (p: ProviderId) => `MP4TOTEXT_${p.toUpperCase()}_BASE_URL`

/** Override order: environment (CLI --base-url sets it too), then Settings, then the default. */
export function resolveBaseUrl(provider: ProviderId, settings: Settings, env: NodeJS.ProcessEnv = process.env): string | null {
  const info = providers[provider]
  if (!info.baseUrlSetting) return info.defaultBaseUrl
  const raw = env[baseUrlEnvVar(provider)] || settings.baseUrls[provider as BaseUrlProviderId] || info.defaultBaseUrl
  if (!raw) return null
  // People paste Groq's documented URL; groq-sdk wants the host only.
  return info.sdk === 'groq-sdk' ? raw.replace(/\/openai\/v1\/?$/, '') : raw
}

/** Providers whose calls need a key; a local server may not. */
export const needsKey = (p: ProviderId): boolean => providers[p].needsKey

/** scheme://host:port of a URL, the unit a key is bound to; null when it is not a URL. */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null
  try {
    const o = new URL(url).origin
    return o === 'null' ? null : o
  } catch {
    return null
  }
}

/**
 * Where a key from the environment may be sent: the base URL the environment sets beside it
 * (the CLI's --base-url sets it too), otherwise the provider's own API. Never Settings: anyone
 * who can change Settings (a web client, a compromised page) could point the key at their server.
 */
export function envKeyOrigin(provider: ProviderId, env: NodeJS.ProcessEnv): string | null {
  return originOf(env[baseUrlEnvVar(provider)] || providers[provider].defaultBaseUrl)
}
