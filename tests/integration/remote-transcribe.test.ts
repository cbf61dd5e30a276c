import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../src/cli/main'
import type { Core } from '../../src/core/app-core'
import { type FakeSttServer, startFakeSttServer } from '../helpers/fake-stt-server'
import { makeMedia } from '../helpers/media'
import { newServerToken, type RemoteWhisper, startRemoteWhisper } from '../helpers/stt-servers'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, installMiniModel, openTranscribeCore } from '../helpers/transcribe-env'

const TURBO = 'groq/whisper-large-v3-turbo'
const KEY = 'gsk-test-key-0123456789'
const tempDir = useTempDirs()

let media: string
let lecture: string
let short: string
let clipA: string
let clipB: string
const fakes: FakeSttServer[] = []
const cores: Core[] = []

beforeAll(() => {
  media = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-remote-'))
  // 30 minutes of a quiet tone: FLAC keeps it small, so this is quick to make and to send
  lecture = makeMedia(media, 'lecture.flac', { seconds: 1800, sampleRate: 16_000, freq: 300 })
  short = makeMedia(media, 'short.wav', { seconds: 20, sampleRate: 16_000, freq: 300 })
  clipA = makeMedia(media, 'a.wav', { seconds: 70, sampleRate: 16_000, freq: 440 })
  clipB = makeMedia(media, 'b.wav', { seconds: 12, sampleRate: 16_000, freq: 500 })
}, 120_000)

afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
  for (const f of fakes.splice(0)) await f.close()
})
afterAll(() => rmSync(media, { recursive: true, force: true }))

async function fake(opts: Parameters<typeof startFakeSttServer>[0] = {}) {
  const f = await startFakeSttServer({ apiKey: KEY, ...opts })
  fakes.push(f)
  return f
}

/** A core whose Groq key and base URL come from the environment, as in the CLI. */
async function cloudCore(baseUrl: string, settings: { cloudMaxUploadMB?: number } = {}) {
  const { core, model } = await openTranscribeCore(tempDir(), {
    core: { env: { GROQ_API_KEY: KEY, MP4TOTEXT_GROQ_BASE_URL: baseUrl } },
  })
  cores.push(core)
  await core.handlers['settings.set']({ cloudMaxUploadMB: settings.cloudMaxUploadMB ?? 25 })
  return { core, model }
}

const charges = (core: Core) => core.store.data.credits.ledger.filter((e) => e.type === 'charge')
const refunds = (core: Core) => core.store.data.credits.ledger.filter((e) => e.type === 'refund')

describe('cloud transcription as a job', () => {
  it('sends a 30-minute file in pieces under the limit, with continuous times and one charge', async () => {
    const f = await fake()
    const { core } = await cloudCore(f.url, { cloudMaxUploadMB: 5 })
    const before = core.credits.state().balance
    const estimate = await core.handlers['transcribe.estimate']({ file: lecture, model: TURBO })
    expect(estimate).toMatchObject({ minutes: 30, credits: 30 })
    const [job] = await core.transcription.add([lecture], { model: TURBO })
    const done = await finished(core, job!.id, 240_000)
    expect(done.error).toBeNull()
    expect(done.status).toBe('done')

    expect(f.requests.length).toBeGreaterThan(5)
    for (const r of f.requests) {
      expect(r.fileBytes).toBeLessThanOrEqual(5_000_000)
      expect(r.authorization).toBe(`Bearer ${KEY}`)
      expect(r.model).toBe('whisper-large-v3-turbo')
    }
    const { segments } = await core.transcripts.get(done.transcriptId!)
    expect(segments[0]!.start).toBe(0)
    expect(segments.at(-1)!.end).toBeCloseTo(1800, 0)
    for (let i = 1; i < segments.length; i++) {
      expect(segments[i]!.start).toBeGreaterThanOrEqual(segments[i - 1]!.end)
      expect(segments[i]!.start - segments[i - 1]!.end).toBeLessThan(5)
    }
    // words the provider returned are kept, on the file's timeline
    expect(segments.at(-1)!.words?.at(-1)?.end).toBeGreaterThan(1790)

    expect(charges(core)).toHaveLength(1)
    expect(charges(core)[0]).toMatchObject({ amount: -30, ref: `transcribe:${job!.id}` })
    expect(refunds(core)).toHaveLength(0)
    expect(core.credits.state().balance).toBe(before - 30)
    expect(core.store.data.credits.reservations.at(-1)!.status).toBe('committed')
  }, 300_000)

  it('fails clearly on a rejected key and refunds', async () => {
    const f = await fake({ apiKey: 'another-key' })
    const { core } = await cloudCore(f.url)
    const before = core.credits.state().balance
    const [job] = await core.transcription.add([short], { model: TURBO })
    const done = await finished(core, job!.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/Groq rejected the API key \(HTTP 401\)/)
    expect(done.error).not.toContain(KEY)
    expect(f.requests).toHaveLength(1)
    expect(charges(core)).toHaveLength(1)
    expect(refunds(core)).toHaveLength(1)
    expect(core.credits.state().balance).toBe(before)
  })

  it('says translation is local-only instead of ignoring it, charging nothing', async () => {
    const f = await fake()
    const { core } = await cloudCore(f.url)
    const [job] = await core.transcription.add([short], { model: TURBO, translate: true })
    const done = await finished(core, job!.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/local models only/)
    expect(f.requests).toHaveLength(0)
    expect(charges(core)).toHaveLength(0)
  })

  it('refunds a cancelled file', async () => {
    const f = await fake()
    const { core } = await cloudCore(f.url)
    const before = core.credits.state().balance
    let release!: () => void
    f.hold(new Promise<void>((r) => (release = r)))
    const [job] = await core.transcription.add([short], { model: TURBO })
    f.onRequest(() => core.transcription.cancel(job!.id))
    const done = await finished(core, job!.id)
    release()
    expect(done.status).toBe('cancelled')
    expect(charges(core)).toHaveLength(1)
    expect(refunds(core)).toHaveLength(1)
    expect(core.credits.state().balance).toBe(before)
  })

  it('waits what a 429 says and then finishes, charged once', async () => {
    const f = await fake()
    const { core } = await cloudCore(f.url)
    f.fail({ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'Rate limit reached' } } })
    const [job] = await core.transcription.add([short], { model: TURBO })
    const done = await finished(core, job!.id)
    expect(done.status).toBe('done')
    expect(f.requests.map((r) => r.status)).toEqual([429, 200])
    expect(charges(core)).toHaveLength(1)
    expect(charges(core)[0]!.amount).toBe(-1)
  })

  it('refuses to send the key to a base URL it was not given for, charging nothing', async () => {
    const f = await fake()
    const { core } = await openTranscribeCore(tempDir(), { core: { env: { GROQ_API_KEY: KEY } } })
    cores.push(core)
    // Settings point Groq elsewhere; the environment's key is meant for api.groq.com
    await core.handlers['settings.set']({
      baseUrls: { ...core.store.data.settings.baseUrls, groq: f.url },
    })
    const [job] = await core.transcription.add([short], { model: TURBO })
    const done = await finished(core, job!.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/is not sent to/)
    expect(f.requests).toHaveLength(0)
    expect(charges(core)).toHaveLength(0)
  })

  it('prices transcription rows per started minute, and pricing edits and undo change that', async () => {
    const f = await fake()
    const { core } = await cloudCore(f.url)
    const row = () => core.catalog.get('groq', 'whisper-large-v3-turbo')
    expect(row()).toMatchObject({ kind: 'transcription', credits: 1, multiplier: '1', active: true })
    expect(core.catalog.get('groq', 'whisper-large-v3')).toMatchObject({ credits: 3, multiplier: '2.8' })
    expect(core.catalog.get('openai', 'whisper-1')).toMatchObject({ credits: 9, multiplier: '9' })
    // never offered for enhancement
    expect(core.catalog.list(false).some((m) => m.kind === 'transcription')).toBe(false)
    await core.pricing.setModel({ provider: 'groq', modelId: 'whisper-large-v3-turbo', multiplier: '2.5', reason: 'test' })
    expect(row().credits).toBe(3)
    expect((await core.handlers['transcribe.estimate']({ file: lecture, model: TURBO })).credits).toBe(75)
    await core.pricing.undo()
    expect(row().credits).toBe(1)
    await core.pricing.setModel({ provider: 'groq', modelId: 'whisper-large-v3-turbo', active: false, reason: 'test' })
    const [job] = await core.transcription.add([short], { model: TURBO })
    expect((await finished(core, job!.id)).error).toMatch(/not offered/)
  })
})

describe('self-hosted servers', () => {
  const remotes: RemoteWhisper[] = []
  afterEach(async () => {
    for (const r of remotes.splice(0)) await r.kill()
  })

  async function serversCore() {
    const token = newServerToken()
    const dir = tempDir()
    await installMiniModel(dir)
    const modelPath = path.join(dir, 'models', 'ggml-mini-test.bin')
    for (let i = 0; i < 2; i++) remotes.push(await startRemoteWhisper(modelPath, token))
    // the key is given for these servers, as the user starting the app would
    const env = { MP4TOTEXT_SERVER_KEY: token, MP4TOTEXT_SERVERS: remotes.map((r) => r.url).join(',') }
    const { core, model } = await openTranscribeCore(dir, { core: { env } })
    cores.push(core)
    return { core, model }
  }

  it('spreads the pieces of a file and the files of a batch over two servers, at 0 credits', async () => {
    const { core, model } = await serversCore()
    const balance = core.credits.state().balance
    const servers = remotes.map((r) => r.url)
    const jobs = await core.transcription.add([clipA, clipB], { model, servers })
    const done = await Promise.all(jobs.map((j) => finished(core, j.id, 120_000)))
    expect(done.map((j) => j.error)).toEqual([null, null])
    expect(done.map((j) => j.status)).toEqual(['done', 'done'])
    const served = core.transcription.remote!.served()
    expect(Object.values(served).every((n) => n >= 1)).toBe(true)
    // 70 s on 2 slots: two pieces; plus the 12 s file: three requests in all
    expect(Object.values(served).reduce((a, b) => a + b, 0)).toBe(3)
    const { segments } = await core.transcripts.get(done[0]!.transcriptId!)
    expect(segments.at(-1)!.end).toBeLessThanOrEqual(70.5)
    expect(core.credits.state().balance).toBe(balance)
    expect(charges(core)).toHaveLength(0)
  }, 180_000)

  it('fails over to the next server, and to the local engine when none is left', async () => {
    const { core, model } = await serversCore()
    await remotes[0]!.kill()
    const servers = remotes.map((r) => r.url)
    const [job] = await core.transcription.add([clipB], { model, servers })
    expect((await finished(core, job!.id, 120_000)).status).toBe('done')
    expect(core.transcription.remote!.served()).toEqual({ [servers[0]!]: 0, [servers[1]!]: 1 })
    await remotes[1]!.kill()
    const [local] = await core.transcription.add([clipB], { model, servers })
    const done = await finished(core, local!.id, 120_000)
    expect(done.status).toBe('done')
    expect(core.transcription.remote!.served()).toEqual({ [servers[0]!]: 0, [servers[1]!]: 1 })
  }, 180_000)
})

describe('CLI', () => {
  async function cli(...args: string[]) {
    let stdout = ''
    let stderr = ''
    const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) })
    return { code, stdout, stderr }
  }

  it('transcribe --model groq/… --base-url sends to that URL with the environment key, charged', async () => {
    const f = await fake()
    const dir = tempDir()
    const out = path.join(dir, 'short.txt')
    process.env.GROQ_API_KEY = KEY
    try {
      const r = await cli('transcribe', short, '--model', TURBO, '--base-url', f.url, '--out', out, '--data-dir', dir)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('short.txt')
    } finally {
      delete process.env.GROQ_API_KEY
    }
    expect(f.requests).toHaveLength(1)
    const history = await cli('credits', 'history', '--json', '--data-dir', dir)
    expect(JSON.parse(history.stdout).filter((e: { type: string }) => e.type === 'charge')).toHaveLength(1)
  })

  it('transcribe --server URL (repeatable) uses the servers', async () => {
    const token = newServerToken()
    const dir = tempDir()
    const { core } = await openTranscribeCore(dir)
    await core.close()
    const a = await startRemoteWhisper(path.join(dir, 'models', 'ggml-mini-test.bin'), token)
    const b = await startRemoteWhisper(path.join(dir, 'models', 'ggml-mini-test.bin'), token)
    process.env.MP4TOTEXT_SERVER_KEY = token
    try {
      const out = path.join(dir, 'b.json')
      // no --model: the servers' "whisper-1", which this machine does not have, so the local
      // engine could not have done it
      const r = await cli(
        'transcribe',
        clipB,
        '--server',
        a.url,
        '--server',
        b.url,
        '--format',
        'json',
        '--out',
        out,
        '--data-dir',
        dir,
      )
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(JSON.parse(readFileSync(out, 'utf8')).segments.length).toBeGreaterThan(0)
    } finally {
      delete process.env.MP4TOTEXT_SERVER_KEY
      await a.kill()
      await b.kill()
    }
    expect((await cli('transcribe', clipB, '--base-url', 'http://x.invalid', '--data-dir', dir)).stderr).toMatch(
      /--base-url is for cloud models/,
    )
  }, 120_000)
})
