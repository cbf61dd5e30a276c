import { readFileSync, statSync, writeFileSync } from 'node:fs'
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
    await store.set('groq', 'gsk_secret_value_123', { baseUrl: 'https://api.groq.com' })
    expect(await store.get('groq')).toEqual({ key: 'gsk_secret_value_123', origin: 'https://api.groq.com' })
    expect(await store.source('groq')).toBe('keychain')
    expect(readFileSync(file, 'utf8')).not.toContain('gsk_secret_value_123')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    await store.set('groq', null, { baseUrl: null })
    expect(await store.get('groq')).toBeNull()
  })

  it('asks before storing where Linux has no keyring, and stores when the user agrees', async () => {
    const store = new SafeStorageKeyStore(fakeSafeStorage('basic_text'), path.join(tempDir(), 'keys.json'), {})
    expect(store.weak).toBe(true)
    await expect(store.set('openai', 'sk-abc-123456', { baseUrl: 'https://api.openai.com/v1' })).rejects.toMatchObject({
      code: 'needs-confirmation',
      message: expect.stringContaining('No system keyring'),
    })
    expect(await store.get('openai')).toBeNull()
    await store.set('openai', 'sk-abc-123456', { baseUrl: 'https://api.openai.com/v1', allowWeak: true })
    expect((await store.get('openai'))?.key).toBe('sk-abc-123456')
  })

  it('refuses where nothing can encrypt, and falls back to the environment', async () => {
    const store = new SafeStorageKeyStore(fakeSafeStorage('x', false), path.join(tempDir(), 'keys.json'), {
      TOGETHER_API_KEY: 'tg-env-key',
    })
    await expect(store.set('together', 'x', { baseUrl: null })).rejects.toMatchObject({ code: 'forbidden' })
    expect(await store.get('together')).toEqual({ key: 'tg-env-key', origin: 'https://api.together.xyz' })
    expect(await store.source('together')).toBe('env')
  })

  it('seals the key with the URL it was entered for, so the binding cannot be edited in keys.json', async () => {
    const file = path.join(tempDir(), 'keys.json')
    const store = new SafeStorageKeyStore(fakeSafeStorage(), file, {})
    await expect(store.set('custom', 'local-key-123', { baseUrl: null })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('Set the base URL first'),
    })
    await store.set('custom', 'local-key-123', { baseUrl: 'http://127.0.0.1:11434/v1' })
    const text = readFileSync(file, 'utf8')
    expect(text).not.toContain('local-key-123')
    expect(text).not.toContain('127.0.0.1') // inside the sealed value, not beside it
    expect(await store.get('custom')).toEqual({ key: 'local-key-123', origin: 'http://127.0.0.1:11434' })
  })

  it('reads keys.json written before keys were bound: bound to the provider’s own API', async () => {
    const file = path.join(tempDir(), 'keys.json')
    const safe = fakeSafeStorage()
    writeFileSync(file, JSON.stringify({ openai: safe.encryptString('sk-old-format-123').toString('base64') }))
    const store = new SafeStorageKeyStore(safe, file, {})
    expect(await store.get('openai')).toEqual({ key: 'sk-old-format-123', origin: 'https://api.openai.com' })
    expect(await store.source('openai')).toBe('keychain')
  })

  it('without a confirmation callback nothing can move a key to another URL', async () => {
    const store = new SafeStorageKeyStore(fakeSafeStorage(), path.join(tempDir(), 'keys.json'), {
      OPENAI_API_KEY: 'sk-env-12345',
    })
    expect(await store.confirmUse('openai', 'http://127.0.0.1:9/v1')).toBe(false)
    expect(await store.get('openai')).toEqual({ key: 'sk-env-12345', origin: 'https://api.openai.com' })
  })

  it('asks once for calls waiting at the same time, and binds an environment key for this run only', async () => {
    let release!: (yes: boolean) => void
    let shown!: () => void
    const dialogShown = new Promise<void>((r) => (shown = r))
    const asked: string[] = []
    const store = new SafeStorageKeyStore(
      fakeSafeStorage(),
      path.join(tempDir(), 'keys.json'),
      { OPENAI_API_KEY: 'sk-env-12345' },
      (p, url, boundTo) => {
        asked.push(`${p} ${url} (was ${boundTo})`)
        shown()
        return new Promise((r) => (release = r))
      },
    )
    const answers = Promise.all([
      store.confirmUse('openai', 'http://127.0.0.1:9/v1'),
      store.confirmUse('openai', 'http://127.0.0.1:9/v1'),
    ])
    await dialogShown
    release(true)
    expect(await answers).toEqual([true, true])
    expect(asked).toEqual(['openai http://127.0.0.1:9/v1 (was https://api.openai.com)'])
    expect(await store.get('openai')).toEqual({ key: 'sk-env-12345', origin: 'http://127.0.0.1:9' })
    expect(await store.source('openai')).toBe('env')
  })
})
