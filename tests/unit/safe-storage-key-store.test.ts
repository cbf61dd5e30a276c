import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SafeStorageKeyStore, type SafeStorageLike } from '../../src/main/safe-storage-key-store'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  // stands in for the OS: "encrypts" by reversing and prefixing, so plain text never matches
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(`enc:${[...s].reverse().join('')}`),
    decryptString: (b) => [...b.toString().slice(4)].reverse().join(''),
    getSelectedStorageBackend: () => backend,
  }
}

describe('safeStorage key store (Electron main)', () => {
  it('stores keys encrypted in keys.json with owner-only permissions, and reads them back', async () => {
    const file = path.join(tempDir(), 'keys.json')
    const store = new SafeStorageKeyStore(fakeSafeStorage(), file, {})
    expect(await store.source('groq')).toBe('none')
    await store.set('groq', 'gsk_secret_value_123')
    expect(await store.get('groq')).toBe('gsk_secret_value_123')
    expect(await store.source('groq')).toBe('keychain')
    expect(readFileSync(file, 'utf8')).not.toContain('gsk_secret_value_123')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    await store.set('groq', null)
    expect(await store.get('groq')).toBeNull()
  })

  it('asks before storing where Linux has no keyring, and stores when the user agrees', async () => {
    const store = new SafeStorageKeyStore(fakeSafeStorage('basic_text'), path.join(tempDir(), 'keys.json'), {})
    expect(store.weak).toBe(true)
    await expect(store.set('openai', 'sk-abc-123456')).rejects.toMatchObject({
      code: 'needs-confirmation',
      message: expect.stringContaining('No system keyring'),
    })
    expect(await store.get('openai')).toBeNull()
    await store.set('openai', 'sk-abc-123456', { allowWeak: true })
    expect(await store.get('openai')).toBe('sk-abc-123456')
  })

  it('refuses where nothing can encrypt, and falls back to the environment', async () => {
    const store = new SafeStorageKeyStore(fakeSafeStorage('x', false), path.join(tempDir(), 'keys.json'), {
      TOGETHER_API_KEY: 'tg-env-key',
    })
    await expect(store.set('together', 'x')).rejects.toMatchObject({ code: 'forbidden' })
    expect(await store.get('together')).toBe('tg-env-key')
    expect(await store.source('together')).toBe('env')
  })
})
