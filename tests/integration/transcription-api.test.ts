import { existsSync, readdirSync, readFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import OpenAI, { toFile } from 'openai'
import { describe, expect, it } from 'vitest'
import { listenApi } from '../../src/core/api/api-server'
import { startWebHost } from '../../src/web/web-host'
import { transcriptionApi } from '../../src/core/api/transcription-api'
import type { ApiServerStatus } from '../../src/shared/calls/api-calls'
import { makeMedia } from '../helpers/media'
import { standInEngine } from '../helpers/stand-in-engine'
import { freePort } from '../../src/core/runtime/free-port'
import { useTempDirs } from '../helpers/temp-dir'
import { openTranscribeCore } from '../helpers/transcribe-env'
import { until } from '../helpers/until'

const tempDir = useTempDirs()

const uploadsLeft = (dir: string) => (existsSync(path.join(dir, 'uploads')) ? readdirSync(path.join(dir, 'uploads')) : [])

describe('the transcription API in the core (what every shell mounts)', () => {
  it('a file over the cap is a 413 that says how much fits, nothing of it kept; a cloud model is refused until its privacy notice was agreed to', async () => {
    const { core, dir, model } = await openTranscribeCore(tempDir())
    const handler = transcriptionApi(
      { ...core, dataDir: core.dataDirPath },
      { token: () => core.api.token(), maxUploadBytes: 64 * 1024 },
    )
    const listener = await listenApi(handler, { port: 0 })
    const token = await core.api.token()
    const client = new OpenAI({ baseURL: listener.url, apiKey: token, maxRetries: 0 })
    const big = makeMedia(dir, 'uzun.wav', { seconds: 5 })
    const err = await client.audio.transcriptions
      .create({ file: await toFile(readFileSync(big), 'uzun.wav'), model })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.APIError)
    const e = err as InstanceType<typeof OpenAI.APIError>
    expect(e.status).toBe(413)
    expect(e.code).toBe('file_too_large')
    expect(e.message).toContain('larger than 64 KiB')
    // sent without a length (chunked): counted as it comes, refused all the same
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${listener.url}/audio/transcriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=xyz' },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c))
        res.on('end', () => resolve({ status: res.statusCode!, body }))
      })
      req.on('error', reject)
      req.write('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n')
      req.end(readFileSync(big))
    })
    expect(chunked.status).toBe(413)
    expect(JSON.parse(chunked.body)).toMatchObject({ error: { code: 'file_too_large', param: 'file' } })
    expect(uploadsLeft(dir)).toEqual([])
    expect(core.transcription.jobs()).toEqual([])
    // a cloud model sends the audio away: not before the app's notice was agreed to
    const small = await toFile(readFileSync(makeMedia(dir, 'kısa.wav', { seconds: 0.5, sampleRate: 8000 })), 'kısa.wav')
    const cloud = await client.audio.transcriptions
      .create({ file: small, model: 'groq/whisper-large-v3-turbo' })
      .catch((x: unknown) => x)
    expect(cloud).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect((cloud as InstanceType<typeof OpenAI.PermissionDeniedError>).code).toBe('cloud_not_agreed')
    expect(core.transcription.jobs()).toEqual([])
    await listener.close()
    await core.close()
  })

  it('an engine that crashes is a 500 with the reason, no credit moved and no job left behind', async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir, {
      core: { env: { MP4TOTEXT_WHISPER_SERVER: standInEngine(dir, { crashOn: 1 }) } },
    })
    const listener = await listenApi(core.api.handler, { port: 0 })
    const client = new OpenAI({ baseURL: listener.url, apiKey: await core.api.token(), maxRetries: 0 })
    const file = makeMedia(dir, 'kaza.wav', { seconds: 2, noise: true })
    const before = core.credits.state().balance
    const err = await client.audio.transcriptions
      .create({ file: await toFile(readFileSync(file), 'kaza.wav'), model })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.InternalServerError)
    const e = err as InstanceType<typeof OpenAI.InternalServerError>
    expect(e.code).toBe('transcription_failed')
    expect(e.message).toMatch(/The transcription failed: .*engine/)
    expect(core.transcription.jobs()).toEqual([])
    expect(core.credits.state().balance).toBe(before)
    expect(uploadsLeft(dir)).toEqual([])
    await listener.close()
    await core.close()
  })

  it('a client that hangs up cancels its job: nothing is left running, queued or uploaded', async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir, {
      core: { env: { MP4TOTEXT_WHISPER_SERVER: standInEngine(dir, { delaySec: 120 }) } },
    })
    const listener = await listenApi(core.api.handler, { port: 0 })
    const client = new OpenAI({ baseURL: listener.url, apiKey: await core.api.token(), maxRetries: 0 })
    const file = makeMedia(dir, 'uzun toplantı.wav', { seconds: 2, noise: true })
    const ac = new AbortController()
    const request = client.audio.transcriptions
      .create({ file: await toFile(readFileSync(file), 'uzun toplantı.wav'), model }, { signal: ac.signal })
      .catch((e: unknown) => e)
    await until('the job running', () => core.transcription.jobs().some((j) => j.status === 'running'))
    ac.abort()
    expect(await request).toBeInstanceOf(OpenAI.APIUserAbortError)
    await until('the job gone', () => core.transcription.jobs().length === 0)
    await until('the upload gone', () => uploadsLeft(dir).length === 0)
    expect((await core.transcripts.list()).items).toEqual([])
    await listener.close()
    await core.close()
  })

  it('the desktop app’s listener follows Settings: on at the chosen port, a port in use said so, off again', async () => {
    const { core } = await openTranscribeCore(tempDir())
    const statuses: ApiServerStatus[] = []
    core.events.subscribe((name, p) => name === 'api.status' && statuses.push(p as ApiServerStatus))
    core.api.serveFromSettings()
    expect(core.api.status().state).toBe('off')
    const port = await freePort()
    await core.handlers['settings.set']({ apiServer: { enabled: true, port } })
    const on = await until('listening', () => statuses.find((s) => s.state === 'listening'))
    expect(on.url).toBe(`http://127.0.0.1:${port}/v1`)
    const { token } = await core.handlers['api.token']({})
    const models = await new OpenAI({ baseURL: on.url!, apiKey: token, maxRetries: 0 }).models.list()
    expect(models.data.map((m) => m.id)).toContain('whisper-1')
    // another program holds the next port: the status says so instead of failing silently
    const taken = net.createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const busy = (taken.address() as net.AddressInfo).port
    await core.handlers['settings.set']({ apiServer: { enabled: true, port: busy } })
    const failed = await until('failed', () => statuses.find((s) => s.state === 'failed'))
    expect(failed).toMatchObject({ error: 'port-in-use', url: null })
    await core.handlers['settings.set']({ apiServer: { enabled: false, port } })
    await until('off', () => statuses.at(-1)?.state === 'off')
    await expect(fetch(`http://127.0.0.1:${port}/v1/models`)).rejects.toThrow()
    await new Promise((resolve) => taken.close(resolve))
    await core.close()
  })

  it('the loopback web host answers the same API at its own address, with the API key, not its page token', async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir)
    const host = await startWebHost(core, { staticDir: tempDir() })
    const base = `${new URL(host.url).origin}/v1`
    const client = new OpenAI({ baseURL: base, apiKey: await core.api.token(), maxRetries: 0 })
    const file = makeMedia(dir, 'web.wav', { seconds: 2, noise: true })
    const r = await client.audio.transcriptions.create({ file: await toFile(readFileSync(file), 'web.wav'), model })
    expect(typeof r.text).toBe('string')
    expect((await core.transcripts.list()).items.map((t) => t.fileName)).toContain('web.wav')
    const withPageToken = new OpenAI({ baseURL: base, apiKey: host.token, maxRetries: 0 })
    await expect(withPageToken.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
    await host.close()
    await core.close()
  })
})
