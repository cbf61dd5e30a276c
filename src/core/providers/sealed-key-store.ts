import { promises as fs } from 'node:fs'
import type { ProviderId } from '../../shared/catalog-types'
import { AppError, keyedError } from '../../shared/errors'
import { envKeyOrigin, originOf } from './endpoints'
import type { BoundKey, KeyStore } from './key-store'
import { atomicWrite, readIfExists } from '../store/safe-json-file'
import { keyFromEnv } from '../../shared/providers'

/**
 * What seals a key file's entries: Electron's safeStorage (a fake stands in for it in tests), or
 * for the web host `fileOnlySealer`, where the file's 0600 mode is the protection.
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: 'basic_text' means no keyring, so "encryption" is a fixed, well-known key */
  getSelectedStorageBackend?: () => string
  /** what the UI calls the place keys are kept; the OS keychain unless said otherwise */
  readonly storage?: 'keychain' | 'file'
}

/**
 * The web host's sealer: no keychain can be reached from a plain Node process, so the entries are
 * kept as they are in a file only the user can read (0600), the way ~/.netrc or an SSH key is.
 */
export const fileOnlySealer: SafeStorageLike = {
  storage: 'file',
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from(plain, 'utf8'),
  decryptString: (sealed) => sealed.toString('utf8'),
}

/**
 * Asks the user, natively and in the main process, whether a key may be sent to `url`. The
 * renderer cannot answer it: that is what makes it a confirmation.
 */
export type ConfirmKeyForUrl = (provider: KeyHolder, url: string, boundTo: string | null) => Promise<boolean>

/** Whose key is asked about: a provider's, or the user's own transcription servers' (MP4TOTEXT_SERVER_KEY). */
export type KeyHolder = ProviderId | 'server'

/**
 * keys.json: per provider, the key and the origin it was entered for, sealed together so the
 * binding cannot be edited without the keychain. A bare string is the older format (key only).
 */
type KeysFile = Partial<Record<ProviderId, string | { sealed: string }>>

/**
 * API keys sealed by the OS keychain (Keychain, DPAPI, libsecret/kwallet) — or, in the web host,
 * by the file's mode alone — in a file beside db.json, never in db.json itself. Where Linux has no keyring, storing is refused until the
 * user agrees to weak storage. A key set in the environment is used when none is stored. Each
 * key is bound to the base URL it was entered for; another URL needs the user's yes (`confirm`).
 */
export class SealedKeyStore implements KeyStore {
  readonly editable = true
  /** environment keys the user allowed to another origin, for this run only */
  private readonly envGrants = new Map<ProviderId, string>()
  /** origins the user allowed the transcription server key to, for this run only */
  private readonly serverGrants = new Set<string>()
  /** one question per provider and URL at a time, however many calls wait for the answer */
  private readonly asking = new Map<string, Promise<boolean>>()

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly confirm?: ConfirmKeyForUrl,
  ) {}

  /** true where the OS offers no real protection for stored keys */
  get weak(): boolean {
    return !this.safeStorage.isEncryptionAvailable() || this.safeStorage.getSelectedStorageBackend?.() === 'basic_text'
  }

  async get(provider: ProviderId): Promise<BoundKey | null> {
    const stored = (await this.readAll())[provider]
    if (stored) return this.unseal(provider, stored)
    const key = keyFromEnv(provider, this.env)
    return key ? { key, origin: this.envGrants.get(provider) ?? envKeyOrigin(provider, this.env) } : null
  }

  get storage(): 'keychain' | 'file' {
    return this.safeStorage.storage ?? 'keychain'
  }

  async source(provider: ProviderId): Promise<'env' | 'keychain' | 'file' | 'none'> {
    if ((await this.readAll())[provider]) return this.storage
    return keyFromEnv(provider, this.env) ? 'env' : 'none'
  }

  async set(provider: ProviderId, key: string | null, opts: { baseUrl: string | null; allowWeak?: boolean }): Promise<void> {
    const all = await this.readAll()
    if (key === null) delete all[provider]
    else {
      if (!this.safeStorage.isEncryptionAvailable()) {
        throw new AppError(
          'forbidden',
          'This system offers no way to encrypt the key. Set it as an environment variable instead.',
        )
      }
      if (this.weak && !opts.allowWeak) {
        throw keyedError(
          'needs-confirmation',
          'no-keyring',
          {},
          'No system keyring was found (install and unlock GNOME Keyring or KWallet). Without one the key is stored with weak, well-known encryption. Confirm to store it anyway.',
        )
      }
      const origin = originOf(opts.baseUrl)
      if (!origin) {
        throw keyedError(
          'invalid-input',
          'key-needs-base-url',
          {},
          'Set the base URL first: a key is only ever sent to the URL it is entered for.',
        )
      }
      all[provider] = this.seal(key, origin)
    }
    await this.writeAll(all)
  }

  async confirmUse(provider: ProviderId, url: string): Promise<boolean> {
    const origin = originOf(url)
    if (!this.confirm || !origin) return false
    const id = `${provider} ${url}`
    let answer = this.asking.get(id)
    if (!answer) {
      answer = this.askAndBind(provider, url, origin).finally(() => this.asking.delete(id))
      this.asking.set(id, answer)
    }
    return answer
  }

  async confirmServerKey(url: string): Promise<boolean> {
    const origin = originOf(url)
    if (!this.confirm || !origin) return false
    if (this.serverGrants.has(origin)) return true
    const id = `server ${origin}`
    let answer = this.asking.get(id)
    if (!answer) {
      answer = this.confirm('server', url, null)
        .then((yes) => {
          if (yes) this.serverGrants.add(origin)
          return yes
        })
        .finally(() => this.asking.delete(id))
      this.asking.set(id, answer)
    }
    return answer
  }

  private async askAndBind(provider: ProviderId, url: string, origin: string): Promise<boolean> {
    const current = await this.get(provider)
    if (!current) return false
    if (current.origin === origin) return true // another caller's question already moved it here
    if (!(await this.confirm!(provider, url, current.origin))) return false
    // the user agreed: from now on the key belongs to the new URL (and the old one would ask)
    const all = await this.readAll()
    if (all[provider]) {
      all[provider] = this.seal(current.key, origin)
      await this.writeAll(all)
    } else this.envGrants.set(provider, origin)
    return true
  }

  private seal(key: string, origin: string): { sealed: string } {
    return { sealed: this.safeStorage.encryptString(JSON.stringify({ key, origin })).toString('base64') }
  }

  private unseal(provider: ProviderId, stored: string | { sealed: string }): BoundKey | null {
    try {
      if (typeof stored === 'string') {
        // older keys.json, written before keys were bound: assume the provider's own API
        return { key: this.safeStorage.decryptString(Buffer.from(stored, 'base64')), origin: envKeyOrigin(provider, this.env) }
      }
      const { key, origin } = JSON.parse(this.safeStorage.decryptString(Buffer.from(stored.sealed, 'base64'))) as BoundKey
      return typeof key === 'string' && key ? { key, origin: typeof origin === 'string' ? origin : null } : null
    } catch {
      return null // written under another OS user or keyring: treat as not set
    }
  }

  private async writeAll(all: KeysFile): Promise<void> {
    await atomicWrite(this.file, JSON.stringify(all))
    await fs.chmod(this.file, 0o600).catch(() => undefined)
  }

  private async readAll(): Promise<KeysFile> {
    const text = await readIfExists(this.file)
    if (!text) return {}
    try {
      return JSON.parse(text) as KeysFile
    } catch {
      return {}
    }
  }
}
