import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { downloadSpeakerModels, speakerModelsDir } from '../../src/core/diarize/speaker-models'
import type { GgufCatalogEntry } from '../../src/core/local-llm/gguf-catalog'
import { LocalLlmManager } from '../../src/core/local-llm/local-llm-manager'
import { ModelManager } from '../../src/core/models/model-manager'
import { downloadResumable, redirectAllowed } from '../../src/core/models/resumable-download'
import type { WhisperCatalogEntry } from '../../src/core/models/whisper-catalog'
import { hostileModelServer } from '../helpers/model-server'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const MiB = 1024 * 1024
const servers: { close: () => Promise<void> }[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})
async function hostile(opts: Parameters<typeof hostileModelServer>[0]) {
  const s = await hostileModelServer(opts)
  servers.push(s)
  return s
}

const whisperEntry = (sizeMiB: number): WhisperCatalogEntry => ({
  name: 'tiny',
  sizeMiB,
  sha1: '0'.repeat(40),
  languages: 'multilingual',
  speed: 'fastest',
  accuracy: 'basic',
  quantized: false,
  ramMiB: 100,
})
const ggufEntry = (url: string, sizeMiB = 1): GgufCatalogEntry => ({
  name: 'tiny-dl',
  displayName: 'Tiny',
  file: 'tiny-dl.gguf',
  url,
  sizeMiB,
  ramMiB: 64,
  sha256: null,
  license: 'MIT',
  licenseUrl: 'https://example.invalid',
  commercialUse: true,
  languages: 'noise',
})
/** what a folder holds, .part files included */
const left = (dir: string) => (existsSync(dir) ? readdirSync(dir) : [])

describe('a model mirror cannot fill the disk', () => {
  // the mirror would send 400 MiB; a 1 MiB model may take at most its size and a little slack
  const endless = { limitBytes: 400 * MiB }

  it('whisper: an endless body stops at the catalog size, and its .part is removed', async () => {
    const srv = await hostile({ endless })
    const dir = tempDir()
    let most = 0
    const mm = new ModelManager(() => dir, 8192, [whisperEntry(1)])
    const err = await mm
      .download('tiny', { baseUrl: srv.url, onProgress: (p) => (most = Math.max(most, p.receivedBytes)) })
      .catch((e: Error) => e)
    expect(String(err)).toMatch(/larger than the .* expected/)
    expect(most).toBeLessThan(64 * MiB)
    expect(left(dir)).toEqual([])
  })

  it('speaker models and GGUFs are capped the same way', async () => {
    const srv = await hostile({ endless })
    const modelsDir = tempDir()
    const speakerErr = await downloadSpeakerModels(modelsDir, srv.url).catch((e: Error) => e)
    expect(String(speakerErr)).toMatch(/larger than the .* expected/)
    expect(left(speakerModelsDir(modelsDir))).toEqual([])

    const llmDir = tempDir()
    const llm = new LocalLlmManager(() => llmDir, { catalog: [ggufEntry(`${srv.url}/tiny.gguf`)] })
    const ggufErr = await llm.download('tiny-dl').catch((e: Error) => e)
    expect(String(ggufErr)).toMatch(/larger than the .* expected/)
    expect(left(llm.dir())).toEqual([])
  })

  it('a model larger than the free disk space is refused before anything is fetched', async () => {
    const srv = await hostile({ endless })
    const dir = tempDir()
    // 64 TiB: more than any test machine has free
    const mm = new ModelManager(() => dir, 8192, [whisperEntry(64 * 1024 * 1024)])
    await expect(mm.download('tiny', { baseUrl: srv.url })).rejects.toThrow(/free .* disk|disk .* free/i)
    expect(srv.requests).toEqual([])
    expect(left(dir)).toEqual([])
  })
})

describe('a model mirror cannot send the download elsewhere', () => {
  it('a redirect to another host over plain http is not followed', async () => {
    const elsewhere = await hostile({ endless: { limitBytes: 4 * MiB }, host: '127.0.0.2' })
    const mirror = await hostile({ redirect: `${elsewhere.url}/ggml-tiny.bin` })
    const dir = tempDir()
    const mm = new ModelManager(() => dir, 8192, [whisperEntry(1)])
    await expect(mm.download('tiny', { baseUrl: mirror.url })).rejects.toThrow(/redirect/i)
    expect(mirror.requests).toEqual(['/ggml-tiny.bin'])
    expect(elsewhere.requests).toEqual([])
    expect(left(dir)).toEqual([])
  })

  it('a public mirror redirecting to a loopback or private address is refused, before any connection', async () => {
    const inside = await hostile({ endless: { limitBytes: 4 * MiB } })
    const mirror = await hostile({ redirect: `https://127.0.0.1:${new URL(inside.url).port}/admin` })
    // the mirror as the app sees it: a public https host (this fetch carries it to the local server)
    const publicMirror = 'https://models.example.com'
    const viaMirror: typeof fetch = (input, init) =>
      fetch(String(input).startsWith(publicMirror) ? String(input).replace(publicMirror, mirror.url) : input, init)
    const dir = tempDir()
    const mm = new ModelManager(() => dir, 8192, [whisperEntry(1)], viaMirror)
    await expect(mm.download('tiny', { baseUrl: publicMirror })).rejects.toThrow(/redirect.*(loopback|private)/i)
    expect(mirror.requests).toEqual(['/ggml-tiny.bin'])
    expect(inside.requests).toEqual([])
    expect(left(dir)).toEqual([])
  })

  it('a fetch that hides redirects (opaque, as the fetch standard has it) is still checked hop by hop', async () => {
    const elsewhere = await hostile({ endless: { limitBytes: 4 * MiB }, host: '127.0.0.2' })
    const mirror = await hostile({ redirect: `${elsewhere.url}/ggml-tiny.bin` })
    const opaque: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      if (init?.redirect !== 'manual' || res.status < 300 || res.status >= 400) return res
      return { type: 'opaqueredirect', status: 0, ok: false, headers: new Headers(), body: null } as unknown as Response
    }
    const dir = tempDir()
    const mm = new ModelManager(() => dir, 8192, [whisperEntry(1)], opaque)
    await expect(mm.download('tiny', { baseUrl: mirror.url })).rejects.toThrow(/redirected the download to 127\.0\.0\.2/)
    expect(elsewhere.requests).toEqual([])
    expect(left(dir)).toEqual([])
  })

  it('which redirects are followed', async () => {
    const hf = 'https://huggingface.co/x/resolve/main/m.bin'
    // the CDN of the model host: another host, over https
    expect(await redirectAllowed(hf, 'https://cdn-lfs.huggingface.co/repos/m.bin', hf)).toBe(true)
    // same host, any scheme the mirror used
    expect(
      await redirectAllowed('http://10.0.0.5:8000/m.bin', 'http://10.0.0.5:8000/blobs/m.bin', 'http://10.0.0.5:8000/m.bin'),
    ).toBe(true)
    // a LAN mirror may send to another LAN host over https
    expect(await redirectAllowed('http://10.0.0.5/m.bin', 'https://10.0.0.6/m.bin', 'http://10.0.0.5/m.bin')).toBe(true)
    expect(await redirectAllowed(hf, 'http://cdn.example.com/m.bin', hf)).toBe(false)
    for (const inside of [
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://10.1.2.3/',
      'https://192.168.1.1/',
      'https://172.20.0.1/',
      'https://169.254.169.254/latest/meta-data',
      'https://localhost/',
      'https://[::ffff:127.0.0.1]/',
      'https://[fd00::1]/',
      'https://0.0.0.0/',
    ])
      expect(await redirectAllowed(hf, inside, hf), inside).toBe(false)
    expect(await redirectAllowed(hf, 'file:///etc/passwd', hf)).toBe(false)
  })
})

describe('a dropped connection keeps what arrived', () => {
  it('every byte received before the connection broke is in the part file for the resume', async () => {
    const dir = tempDir()
    const part = path.join(dir, 'model.bin.part')
    // the body hands over 100,000 bytes, then breaks at once: before the file would have opened
    const first = new Uint8Array(100_000).fill(7)
    const breaking: typeof fetch = async () => {
      let sent = false
      const body = new ReadableStream<Uint8Array>({
        pull(ctl) {
          if (!sent) {
            sent = true
            ctl.enqueue(first)
          } else ctl.error(new TypeError('terminated'))
        },
      })
      return new Response(body, { status: 200, headers: { 'content-length': '200000' } })
    }
    await expect(
      downloadResumable('https://models.example/m.bin', part, {
        expectedBytes: 200_000,
        fetchImpl: breaking,
        freeBytes: async () => 1e12,
      }),
    ).rejects.toThrow()
    expect(statSync(part).size).toBe(first.byteLength)
    // and the next attempt asks only for the rest
    const asked: string[] = []
    const rest: typeof fetch = async (_url, init) => {
      asked.push(new Headers(init?.headers).get('range') ?? '')
      return new Response(new Uint8Array(100_000).fill(8), { status: 206, headers: { 'content-length': '100000' } })
    }
    await downloadResumable('https://models.example/m.bin', part, {
      expectedBytes: 200_000,
      fetchImpl: rest,
      freeBytes: async () => 1e12,
    })
    expect(asked).toEqual(['bytes=100000-'])
    const bytes = readFileSync(part)
    expect([bytes.length, bytes[99_999], bytes[100_000]]).toEqual([200_000, 7, 8])
  })

  it('a download stopped on its side lets go of the connection (the body is cancelled, not left open)', async () => {
    const dir = tempDir()
    let cancelled = false
    // a fetch that does not follow the signal: only the download itself can stop reading
    const endless: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull: (ctl) => ctl.enqueue(new Uint8Array(10_000)),
          cancel: () => {
            cancelled = true
          },
        }),
        { status: 200 },
      )
    const ac = new AbortController()
    const run = downloadResumable('https://models.example/m.bin', path.join(dir, 'm.part'), {
      expectedBytes: 1e9,
      fetchImpl: endless,
      freeBytes: async () => 1e12,
      signal: ac.signal,
      onProgress: (p) => p.receivedBytes > 50_000 && ac.abort(),
    })
    await expect(run).rejects.toThrow(/cancel/i)
    expect(cancelled).toBe(true)
  })
})
