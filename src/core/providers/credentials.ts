import type { ProviderId } from '../../shared/catalog-types'
import { keyedError } from '../../shared/errors'
import type { Settings } from '../../shared/settings-types'
import { keyEnvVarOf } from '../../shared/providers'
import { baseUrlEnvVar, needsKey, originOf, resolveBaseUrl } from './endpoints'
import type { KeyStore } from './key-store'
import { providerName } from './provider-errors'

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
    throw keyedError(
      'invalid-input',
      'no-base-url',
      {},
      'Set the local server’s base URL in Settings first (e.g. http://127.0.0.1:11434/v1 for Ollama).',
    )
  const name = providerName(provider)
  const variable = keyEnvVarOf(provider)
  const bound = await keys.get(provider)
  if (!bound) {
    if (!needsKey(provider)) return { baseURL, key: null }
    throw keys.editable
      ? keyedError('missing-key', 'missing-key', { provider }, `No API key for ${name}. Add it in Settings, or set ${variable}.`)
      : keyedError('missing-key', 'missing-key-env', { provider, variable }, `No API key for ${name}: set ${variable}.`)
  }
  if (bound.origin !== null && bound.origin === originOf(baseURL)) return { baseURL, key: bound.key }
  if (keys.confirmUse && (await keys.confirmUse(provider, baseURL))) return { baseURL, key: bound.key }
  const given = bound.origin ?? 'no base URL'
  const urlVariable = baseUrlEnvVar(provider)
  // a key from the environment is fixed where the app was started; a typed one can be typed again
  throw keys.editable && (await keys.source(provider)) !== 'env'
    ? keyedError(
        'missing-key',
        'key-bound-elsewhere',
        { provider, given, url: baseURL },
        `The ${name} key was entered for ${given} and is not sent to ${baseURL}. A key for ${baseURL} must be entered in Settings (or set the base URL back).`,
      )
    : keyedError(
        'missing-key',
        'key-bound-elsewhere-env',
        { provider, variable, given, url: baseURL, urlVariable },
        `${variable} is meant for ${given} and is not sent to ${baseURL}, which was set in Settings. A key for ${baseURL} must be set in the environment: start with ${urlVariable}=${baseURL} beside ${variable}.`,
      )
}
