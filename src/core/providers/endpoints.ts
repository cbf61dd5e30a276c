import type { ProviderId } from '../../shared/catalog-types'
import { keyEnvVars } from '../../shared/provider-env'
import type { Settings } from '../../shared/settings-types'

/** Where each provider's OpenAI-compatible API lives (groq-sdk adds /openai/v1 itself). */
export const defaultBaseUrls: Record<ProviderId, string | null> = {
  groq: 'https://api.groq.com',
  openai: 'https://api.openai.com/v1',
  together: 'https://api.together.xyz/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai/',
  custom: null,
  // in-process: no URL, nothing sent anywhere
  builtin: null,
}

export { keyEnvVars }

export const baseUrlEnvVar = (p: ProviderId) => `MP4TOTEXT_${p.toUpperCase()}_BASE_URL`

/** Override order: environment (CLI --base-url sets it too), then Settings, then the default. */
export function resolveBaseUrl(provider: ProviderId, settings: Settings, env: NodeJS.ProcessEnv = process.env): string | null {
  if (provider === 'builtin') return null
  const raw = env[baseUrlEnvVar(provider)] || settings.baseUrls[provider] || defaultBaseUrls[provider]
  if (!raw) return null
  // People paste Groq's documented URL; groq-sdk wants the host only.
  return provider === 'groq' ? raw.replace(/\/openai\/v1\/?$/, '') : raw
}

/** Providers whose calls need a key; a local server may not. */
export const needsKey = (p: ProviderId) => p !== 'custom' && p !== 'builtin'

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
  return originOf(env[baseUrlEnvVar(provider)] || defaultBaseUrls[provider])
}
