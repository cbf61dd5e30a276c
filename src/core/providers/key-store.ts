import type { ProviderId } from '../../shared/catalog-types'
import { AppError } from '../../shared/errors'
import { keyEnvVars } from './endpoints'

/**
 * Where API keys come from. Keys never enter db.json, logs, errors or the renderer: callers get
 * a key only to hand it to an SDK, and the UI only learns whether one is set.
 */
export interface KeyStore {
  readonly editable: boolean
  get(provider: ProviderId): Promise<string | null>
  source(provider: ProviderId): Promise<'env' | 'keychain' | 'none'>
  set(provider: ProviderId, key: string | null, opts?: { allowWeak?: boolean }): Promise<void>
}

/** The CLI's and web host's keys: environment variables only. */
export class EnvKeyStore implements KeyStore {
  readonly editable = false
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(provider: ProviderId): Promise<string | null> {
    return this.env[keyEnvVars[provider]]?.trim() || null
  }

  async source(provider: ProviderId): Promise<'env' | 'none'> {
    return (await this.get(provider)) ? 'env' : 'none'
  }

  async set(provider: ProviderId): Promise<void> {
    throw new AppError('forbidden', `Here keys come from the environment: set ${keyEnvVars[provider]} and restart.`)
  }
}

/** Replace every occurrence of any known key in a message (errors can echo request details). */
export function redact(text: string, keys: (string | null)[]): string {
  return keys.reduce<string>((t, k) => (k && k.length >= 6 ? t.split(k).join('[redacted]') : t), text)
}
