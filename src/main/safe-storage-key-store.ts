import { promises as fs } from 'node:fs'
import type { ProviderId } from '../shared/catalog-types'
import { AppError } from '../shared/errors'
import type { KeyStore } from '../core/providers/key-store'
import { atomicWrite, readIfExists } from '../core/store/safe-json-file'
import { keyEnvVars } from '../shared/provider-env'

/** The part of Electron's safeStorage this store uses (a fake stands in for it in tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: 'basic_text' means no keyring, so "encryption" is a fixed, well-known key */
  getSelectedStorageBackend?: () => string
}

/**
 * API keys encrypted by the OS keychain (Keychain, DPAPI, libsecret/kwallet) in keys.json beside
 * db.json — never in db.json itself. Where Linux has no keyring, storing is refused until the
 * user agrees to weak storage. A key set in the environment is used when none is stored.
 */
export class SafeStorageKeyStore implements KeyStore {
  readonly editable = true

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** true where the OS offers no real protection for stored keys */
  get weak(): boolean {
    return !this.safeStorage.isEncryptionAvailable() || this.safeStorage.getSelectedStorageBackend?.() === 'basic_text'
  }

  async get(provider: ProviderId): Promise<string | null> {
    const stored = (await this.readAll())[provider]
    if (stored) {
      try {
        return this.safeStorage.decryptString(Buffer.from(stored, 'base64'))
      } catch {
        return null // written under another OS user or keyring: treat as not set
      }
    }
    return this.env[keyEnvVars[provider]]?.trim() || null
  }

  async source(provider: ProviderId): Promise<'env' | 'keychain' | 'none'> {
    if ((await this.readAll())[provider]) return 'keychain'
    return this.env[keyEnvVars[provider]]?.trim() ? 'env' : 'none'
  }

  async set(provider: ProviderId, key: string | null, opts: { allowWeak?: boolean } = {}): Promise<void> {
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
        throw new AppError(
          'needs-confirmation',
          'No system keyring was found (install and unlock GNOME Keyring or KWallet). Without one the key is stored with weak, well-known encryption. Confirm to store it anyway.',
        )
      }
      all[provider] = this.safeStorage.encryptString(key).toString('base64')
    }
    await atomicWrite(this.file, JSON.stringify(all))
    await fs.chmod(this.file, 0o600).catch(() => undefined)
  }

  private async readAll(): Promise<Partial<Record<ProviderId, string>>> {
    const text = await readIfExists(this.file)
    if (!text) return {}
    try {
      return JSON.parse(text) as Partial<Record<ProviderId, string>>
    } catch {
      return {}
    }
  }
}
