import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { defaultSettings } from '../../src/shared/settings-types'
import { SafeStorageKeyStore, type SafeStorageLike } from '../../src/main/safe-storage-key-store'
import { startWebHost, type WebHost } from '../../src/web/web-host'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { startFakeSttServer, type FakeSttServer } from '../helpers/fake-stt-server'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()
const SECRET = 'sk-real-secret-key-0123456789'

const servers: FakeLlmServer[] = []
const hosts: WebHost[] = []
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close()
  for (const s of servers.splice(0)) await s.close()
})

async function server(): Promise<FakeLlmServer> {
  const s = await startFakeLlmServer()
  servers.push(s)
  return s
}

/** Every header any request to this server carried, to prove the key never reached it. */
const sawKey = (s: FakeLlmServer) => s.requests.some((r) => (r.authorization ?? '').includes(SECRET))

async function webHost(env: NodeJS.ProcessEnv) {
  const staticDir = tempDir()
  mkdirSync(staticDir, { recursive: true })
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><p>app</p>')
  const core = await openCore({ dataDir: tempDir(), shell: 'web', version: 't', systemLocale: 'en-US', env })
  const host = await startWebHost(core, { staticDir })
  hosts.push(host)
  const call = async (channel: string, input: unknown) => {
    const res = await fetch(`${new URL(host.url).origin}/api/call/${channel}`, {
      method: 'POST',
      headers: { 'x-mp4totext-token': host.token },
      body: JSON.stringify(input),
    })
    return (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } }
  }
  return { core, call }
}

const enhanceReq = { text: 'merhaba dünya', provider: 'openai', modelId: 'gpt-4o-mini', preset: 'cleanup' } as const

describe('keys are bound to the endpoint they were given for (web host)', () => {
  it('never sends the environment key to a base URL a web client set', async () => {
    const attacker = await server()
    const { call, core } = await webHost({ OPENAI_API_KEY: SECRET })
    const set = await call('settings.set', {
      baseUrls: { gemini: null, groq: null, openai: `${attacker.url}/v1`, together: null, custom: null },
    })
    expect(set.ok).toBe(true)

    const test = await call('providers.testKey', { provider: 'openai' })
    expect(test).toMatchObject({ ok: true, value: { ok: false } })
    const message = (test.value as { message: string }).message
    expect(message).toContain(`${attacker.url}`)
    expect(message).toMatch(/key for .* must be (entered|set)/i)
    expect(message).not.toContain(SECRET)

    const balance = core.credits.state().balance
    const started = await call('enhance.start', enhanceReq)
    expect(started).toMatchObject({ ok: false, error: { code: 'missing-key' } })
    expect(started.error!.message).toContain('MP4TOTEXT_OPENAI_BASE_URL')
    expect(core.credits.state().balance).toBe(balance) // refused before anything was reserved

    expect(sawKey(attacker)).toBe(false)
    expect(attacker.requests).toEqual([])
  })

  it('same for the local server: a key set for one URL is not sent to another', async () => {
    const legit = await server()
    const attacker = await server()
    const { call } = await webHost({ MP4TOTEXT_CUSTOM_API_KEY: SECRET })
    await call('settings.set', {
      baseUrls: { gemini: null, groq: null, openai: null, together: null, custom: `${attacker.url}/v1` },
    })
    const refreshed = await call('providers.refreshLocalModels', {})
    expect(refreshed).toMatchObject({ ok: false, error: { code: 'missing-key' } })
    expect(sawKey(attacker)).toBe(false)
    expect(sawKey(legit)).toBe(false)
  })

  it('still sends the key where the environment put both the key and its base URL', async () => {
    const legit = await server()
    const { call } = await webHost({ OPENAI_API_KEY: SECRET, MP4TOTEXT_OPENAI_BASE_URL: `${legit.url}/v1` })
    const test = await call('providers.testKey', { provider: 'openai' })
    expect(test).toMatchObject({ ok: true, value: { ok: true, models: 2 } })
    expect(sawKey(legit)).toBe(true)
  })
})

function fakeSafeStorage(): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    encryptString: (s) => Buffer.from(`enc:${[...s].reverse().join('')}`),
    decryptString: (b) => [...b.toString().slice(4)].reverse().join(''),
    getSelectedStorageBackend: () => 'gnome_libsecret',
  }
}

describe('keys are bound to the endpoint they were given for (Electron key store)', () => {
  async function electronCore(confirm: (provider: string, url: string) => Promise<boolean>) {
    const dataDir = tempDir()
    const asked: string[] = []
    const keys = new SafeStorageKeyStore(fakeSafeStorage(), path.join(dataDir, 'keys.json'), {}, async (p, url) => {
      asked.push(`${p} ${url}`)
      return confirm(p, url)
    })
    const core: Core = await openCore({ dataDir, shell: 'electron', version: 't', systemLocale: 'en', keys, env: {} })
    return { core, asked }
  }
  const urls = (openai: string) => ({ ...defaultSettings.baseUrls, openai })

  it('asks the main process before a stored key goes to a changed URL; "no" keeps it home', async () => {
    const legit = await server()
    const attacker = await server()
    const { core, asked } = await electronCore(async () => false)
    await core.handlers['settings.set']({ baseUrls: urls(`${legit.url}/v1`) })
    await core.handlers['providers.setKey']({ provider: 'openai', key: SECRET, allowWeakStorage: false })
    expect(await core.handlers['providers.testKey']({ provider: 'openai' })).toMatchObject({ ok: true })
    expect(sawKey(legit)).toBe(true)
    expect(asked).toEqual([])

    await core.handlers['settings.set']({ baseUrls: urls(`${attacker.url}/v1`) })
    const test = await core.handlers['providers.testKey']({ provider: 'openai' })
    expect(test.ok).toBe(false)
    expect(test.message).toMatch(/key for .* must be entered/i)
    expect(asked).toEqual([`openai ${attacker.url}/v1`])
    await expect(core.enhance.start({ ...enhanceReq, provider: 'openai', preset: 'cleanup' })).rejects.toMatchObject({
      code: 'missing-key',
    })
    expect(sawKey(attacker)).toBe(false)
  })

  it('after the user agrees, the key is bound to the new URL and not asked again', async () => {
    const legit = await server()
    const other = await server()
    const { core, asked } = await electronCore(async () => true)
    await core.handlers['settings.set']({ baseUrls: urls(`${legit.url}/v1`) })
    await core.handlers['providers.setKey']({ provider: 'openai', key: SECRET, allowWeakStorage: false })
    await core.handlers['settings.set']({ baseUrls: urls(`${other.url}/v1`) })
    expect(await core.handlers['providers.testKey']({ provider: 'openai' })).toMatchObject({ ok: true })
    expect(await core.handlers['providers.testKey']({ provider: 'openai' })).toMatchObject({ ok: true })
    expect(asked).toEqual([`openai ${other.url}/v1`])
    expect(sawKey(other)).toBe(true)
  })
})

describe('the transcription server key goes only to the servers the environment names', () => {
  const stts: FakeSttServer[] = []
  afterEach(async () => {
    for (const s of stts.splice(0)) await s.close()
  })
  async function stt(): Promise<FakeSttServer> {
    const s = await startFakeSttServer()
    stts.push(s)
    return s
  }
  const sawServerKey = (s: FakeSttServer) => s.requests.some((r) => (r.authorization ?? '').includes(SECRET))

  it('a server a web client names (in the job or in Settings) gets no key; the environment’s servers do', async () => {
    const legit = await stt()
    const attacker = await stt()
    const staticDir = tempDir()
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><p>app</p>')
    const { core, model } = await openTranscribeCore(tempDir(), {
      core: { shell: 'web', env: { MP4TOTEXT_SERVER_KEY: SECRET, MP4TOTEXT_SERVERS: legit.url } },
    })
    const host = await startWebHost(core, { staticDir })
    hosts.push(host)
    const call = async (channel: string, input: unknown) => {
      const res = await fetch(`${new URL(host.url).origin}/api/call/${channel}`, {
        method: 'POST',
        headers: { 'x-mp4totext-token': host.token },
        body: JSON.stringify(input),
      })
      return (await res.json()) as { ok: boolean; value?: { id: string }[]; error?: { message: string } }
    }
    const clip = makeMedia(tempDir(), 'clip.wav', { seconds: 3, sampleRate: 16_000 })
    const run = async (options: Record<string, unknown>) => {
      const added = await call('transcribe.add', { files: [clip], options: { model, ...options } })
      expect(added.ok, added.error?.message).toBe(true)
      return finished(core, added.value![0]!.id, 120_000)
    }

    // the web client has told the user where the audio goes, as a page does before it adds a job
    expect((await call('settings.set', { cloudNoticeAcknowledged: [attacker.url, legit.url] })).ok).toBe(true)
    await run({ servers: [attacker.url] })
    expect(attacker.requests.length).toBeGreaterThan(0)
    expect(sawServerKey(attacker)).toBe(false)

    expect((await call('settings.set', { transcriptionServers: [{ url: attacker.url, concurrency: 1 }] })).ok).toBe(true)
    const before = attacker.requests.length
    await run({})
    expect(attacker.requests.length).toBeGreaterThan(before)
    expect(sawServerKey(attacker)).toBe(false)

    expect((await run({ servers: [legit.url] })).status).toBe('done')
    expect(sawServerKey(legit)).toBe(true)
    await core.close()
  }, 180_000)

  it('a server that needs the key and was not given it fails saying how to give it', async () => {
    const guarded = await startFakeSttServer({ apiKey: SECRET })
    stts.push(guarded)
    const { core, model } = await openTranscribeCore(tempDir(), { core: { env: { MP4TOTEXT_SERVER_KEY: SECRET } } })
    const clip = makeMedia(tempDir(), 'clip.wav', { seconds: 3, sampleRate: 16_000 })
    const [job] = await core.transcription.add([clip], { model, servers: [guarded.url] })
    const failed = await finished(core, job!.id, 120_000)
    expect(failed.status).toBe('failed')
    expect(failed.error).toContain(`MP4TOTEXT_SERVERS=${guarded.url}`)
    expect(sawServerKey(guarded)).toBe(false)
    await core.close()
  }, 120_000)

  it('in Electron, a server from Settings gets the key only after the main process asked and the user agreed', async () => {
    const other = await stt()
    const dataDir = tempDir()
    const { model } = await openTranscribeCore(dataDir).then(async (o) => (await o.core.close(), o))
    const asked: string[] = []
    let answer = false
    const keys = new SafeStorageKeyStore(
      fakeSafeStorage(),
      path.join(dataDir, 'keys.json'),
      { MP4TOTEXT_SERVER_KEY: SECRET },
      async (p, url) => (asked.push(`${p} ${url}`), answer),
    )
    const core = await openCore({
      dataDir,
      shell: 'electron',
      version: 't',
      systemLocale: 'en',
      keys,
      env: { MP4TOTEXT_SERVER_KEY: SECRET },
      noFallback: true,
    })
    const clip = makeMedia(tempDir(), 'clip.wav', { seconds: 3, sampleRate: 16_000 })
    await core.handlers['settings.set']({ transcriptionServers: [{ url: other.url, concurrency: 1 }] })
    await finished(core, (await core.transcription.add([clip], { model }))[0]!.id, 120_000)
    expect(asked).toEqual([`server ${other.url}`])
    expect(sawServerKey(other)).toBe(false)
    answer = true
    await finished(core, (await core.transcription.add([clip], { model }))[0]!.id, 120_000)
    await finished(core, (await core.transcription.add([clip], { model }))[0]!.id, 120_000)
    expect(asked).toEqual([`server ${other.url}`, `server ${other.url}`])
    expect(sawServerKey(other)).toBe(true)
    await core.close()
  }, 180_000)
})
