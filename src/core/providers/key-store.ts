import type { ProviderId } from '../../shared/catalog-types'
import { AppError } from '../../shared/errors'
import { keyEnvVarOf, keyFromEnv } from '../../shared/providers'
import { envKeyOrigin } from './endpoints'

/** A key and the endpoint it was given for: it is sent nowhere else without the user's yes. */
export interface BoundKey {
  key: string
  /** origin (scheme://host:port) of the base URL the key was entered or configured for */
  origin: string | null
}

/**
 * Where API keys come from. Keys never enter db.json, logs, errors or the renderer: callers get
 * a key only to hand it to an SDK (through credentialsFor), and the UI only learns whether one is
 * set.
 */
export interface KeyStore {
  readonly editable: boolean
  /** where a typed key is kept (none: keys come only from the environment) */
  readonly storage?: 'keychain' | 'file'
  get(provider: ProviderId): Promise<BoundKey | null>
  source(provider: ProviderId): Promise<'env' | 'keychain' | 'file' | 'none'>
  /** `baseUrl`: the URL the key is entered for, the only place it will be sent */
  set(provider: ProviderId, key: string | null, opts: { baseUrl: string | null; allowWeak?: boolean }): Promise<void>
  /**
   * Ask the user whether the key may go to `url` (another origin than it was given for); a yes
   * binds it there. Only a store whose question cannot be answered by the renderer or a web
   * client has this (Electron's main process shows a native dialog); without it the answer is no.
   */
  confirmUse?(provider: ProviderId, url: string): Promise<boolean>
  /**
   * Ask the user whether the transcription server key (MP4TOTEXT_SERVER_KEY) may go to `url`, a
   * server the environment does not name; same rule: only a store the renderer cannot answer.
   */
  confirmServerKey?(url: string): Promise<boolean>
}

/** The CLI's and web host's keys: environment variables only, bound to the environment's base URL. */
export class EnvKeyStore implements KeyStore {
  readonly editable = false
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(provider: ProviderId): Promise<BoundKey | null> {
    const key = keyFromEnv(provider, this.env)
    return key ? { key, origin: envKeyOrigin(provider, this.env) } : null
  }

  async source(provider: ProviderId): Promise<'env' | 'none'> {
    return (await this.get(provider)) ? 'env' : 'none'
  }

  async set(provider: ProviderId): Promise<void> {
    throw new AppError('forbidden', `Here keys come from the environment: set ${keyEnvVarOf(provider)} and restart.`)
  }
}

/** Replace every occurrence of any known key in a message (errors can echo request details). */
export function redact(text: string, keys: (string | null)[]): string {
  return keys.reduce<string>((t, k) => (k && k.length >= 6 ? t.split(k).join('[redacted]') : t), text)
}
