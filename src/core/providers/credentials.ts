import type { ProviderId } from '../../shared/catalog-types'
import { AppError } from '../../shared/errors'
import type { Settings } from '../../shared/settings-types'
import { baseUrlEnvVar, keyEnvVars, needsKey, originOf, resolveBaseUrl } from './endpoints'
import type { KeyStore } from './key-store'

/** What one call to a provider may use: where to send it, and the key that may go there. */
export interface Credentials {
  baseURL: string
  key: string | null
}

export interface CredentialSources {
  keys: KeyStore
  settings: Settings
  env: NodeJS.ProcessEnv
}

/**
 * The one place a key leaves its store. A key goes only to the origin it was given for; for
 * another origin (someone changed the base URL in Settings) the store must get the user's yes,
 * which only Electron's main process can ask for, or the call fails asking for a key for that
 * URL. Every failure is an AppError with a message the user can act on.
 */
export async function credentialsFor(provider: ProviderId, { keys, settings, env }: CredentialSources): Promise<Credentials> {
  const baseURL = resolveBaseUrl(provider, settings, env)
  if (!baseURL)
    throw new AppError(
      'invalid-input',
      'Set the local server’s base URL in Settings first (e.g. http://127.0.0.1:11434/v1 for Ollama).',
    )
  const bound = await keys.get(provider)
  if (!bound) {
    if (!needsKey(provider)) return { baseURL, key: null }
    throw new AppError(
      'missing-key',
      keys.editable
        ? `No API key for ${provider}. Add it in Settings, or set ${keyEnvVars[provider]}.`
        : `No API key for ${provider}: set ${keyEnvVars[provider]}.`,
    )
  }
  if (bound.origin !== null && bound.origin === originOf(baseURL)) return { baseURL, key: bound.key }
  if (keys.confirmUse && (await keys.confirmUse(provider, baseURL))) return { baseURL, key: bound.key }
  const given = bound.origin ?? 'no base URL'
  throw new AppError(
    'missing-key',
    keys.editable
      ? `The ${provider} key was entered for ${given} and is not sent to ${baseURL}. A key for ${baseURL} must be entered in Settings (or set the base URL back).`
      : `${keyEnvVars[provider]} is meant for ${given} and is not sent to ${baseURL}, which was set in Settings. A key for ${baseURL} must be set in the environment: start with ${baseUrlEnvVar(provider)}=${baseURL} beside ${keyEnvVars[provider]}.`,
  )
}
