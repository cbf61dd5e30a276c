import { createHash } from 'node:crypto'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ModelManager } from '../../src/core/models/model-manager'
import { recommendModel, type WhisperCatalogEntry } from '../../src/core/models/whisper-catalog'
import { render, sanitizeFileName, timestamp } from '../../src/core/transcribe/exports'
import { useTempDirs } from '../helpers/temp-dir'
import { modelServer } from '../helpers/model-server'

const tempDir = useTempDirs()
const segs = [
  { id: 0, start: 0, end: 2.5, text: ' Merhaba. ' },
  { id: 1, start: 62.345, end: 3725.007, text: 'İkinci satır.' },
]

describe('exports', () => {
  it('formats SRT and VTT timestamps exactly', () => {
    expect(timestamp(62.345, ',')).toBe('00:01:02,345')
    expect(timestamp(62.345, '.')).toBe('00:01:02.345')
    expect(timestamp(3725.0069, ',')).toBe('01:02:05,007')
  })

  it('renders TXT with and without timestamps, SRT, VTT and JSON', () => {
    expect(render(segs, 'txt')).toBe('Merhaba.\nİkinci satır.\n')
    expect(render(segs, 'txt-timestamps')).toBe('[00:00] Merhaba.\n[01:02] İkinci satır.\n')
    // a cue is shown at most 7 s, however long the segment ran
    const talk = [segs[0]!, { id: 1, start: 62.345, end: 65.007, text: 'İkinci satır.' }]
    expect(render(talk, 'srt')).toBe(
      '1\n00:00:00,000 --> 00:00:02,500\nMerhaba.\n\n2\n00:01:02,345 --> 00:01:05,007\nİkinci satır.\n',
    )
    expect(render(talk, 'vtt')).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nMerhaba.\n\n00:01:02.345 --> 00:01:05.007\nİkinci satır.\n',
    )
    expect(render([{ id: 0, start: 10, end: 3600, text: 'Uzun.' }], 'srt')).toBe('1\n00:00:10,000 --> 00:00:17,000\nUzun.\n')
    expect(JSON.parse(render(segs, 'json', { fileName: 'a.mp4', language: 'tr' }))).toEqual({
      file: 'a.mp4',
      language: 'tr',
      segments: [
        { start: 0, end: 2.5, text: 'Merhaba.' },
        { start: 62.345, end: 3725.007, text: 'İkinci satır.' },
      ],
    })
  })

  it('sanitizes file names for every OS', () => {
    expect(sanitizeFileName('toplantı: 3\\4 "final"?.mp4')).toBe('toplantı_ 3_4 _final__')
    expect(sanitizeFileName('a\u0001b.wav')).toBe('a_b')
    expect(sanitizeFileName('CON.mp3')).toBe('_CON')
    expect(sanitizeFileName('...')).toBe('transcript')
  })
})

const fakeModel = Buffer.concat([Buffer.from([0x6c, 0x6d, 0x67, 0x67]), Buffer.alloc(300_000, 7)])
const entry = (sha1: string): WhisperCatalogEntry => ({
  name: 'tiny',
  sizeMiB: 1,
  sha1,
  languages: 'multilingual',
  speed: 'fastest',
  accuracy: 'basic',
  quantized: false,
  ramMiB: 100,
})
const sha1 = createHash('sha1').update(fakeModel).digest('hex')

describe('model manager', () => {
  it('resumes an interrupted download with Range, verifies, then installs atomically', async () => {
    const dir = tempDir()
    const srv = await modelServer(fakeModel, { cutFirstAt: 100_000 })
    const mm = new ModelManager(() => dir, 8192, [entry(sha1)])
    await expect(mm.download('tiny', { baseUrl: srv.url })).rejects.toThrow(/interrupted.*resume/)
    expect(readdirSync(dir)).toEqual(['ggml-tiny.bin.part'])
    expect((await mm.list()).find((m) => m.name === 'tiny')!.installed).toBe(false)
    const progress: number[] = []
    const file = await mm.download('tiny', { baseUrl: srv.url, onProgress: (p) => progress.push(p.receivedBytes) })
    expect(srv.ranges[1]).toMatch(/^bytes=\d+-$/)
    expect(Number(/\d+/.exec(srv.ranges[1]!)![0])).toBeGreaterThan(0)
    expect(progress.at(-1)).toBe(fakeModel.length)
    expect(readdirSync(dir)).toEqual(['ggml-tiny.bin'])
    expect(await mm.resolve('tiny')).toBe(file)
    await srv.close()
  })

  it('rejects a checksum mismatch and removes the file', async () => {
    const dir = tempDir()
    const srv = await modelServer(fakeModel)
    const mm = new ModelManager(() => dir, 8192, [entry('0'.repeat(40))])
    await expect(mm.download('tiny', { baseUrl: srv.url })).rejects.toThrow(/corrupt \(SHA-1/)
    expect(readdirSync(dir)).toEqual([])
    await srv.close()
  })

  it('cancel leaves nothing in the models folder', async () => {
    const dir = tempDir()
    const srv = await modelServer(Buffer.concat([fakeModel, Buffer.alloc(20_000_000)]))
    const mm = new ModelManager(() => dir, 8192, [entry(sha1)])
    const ac = new AbortController()
    const p = mm.download('tiny', {
      baseUrl: srv.url,
      signal: ac.signal,
      onProgress: (x) => x.receivedBytes > 1_000_000 && ac.abort(),
    })
    await expect(p).rejects.toThrow(/cancelled/)
    expect(readdirSync(dir)).toEqual([])
    await srv.close()
  })

  it('imports a local ggml file, refuses anything else, deletes, and recommends by memory', async () => {
    const dir = tempDir()
    const mm = new ModelManager(() => path.join(dir, 'models'), 8192, [entry(sha1)])
    writeFileSync(path.join(dir, 'my-finetune.bin'), fakeModel)
    writeFileSync(path.join(dir, 'photo.bin'), 'not a model')
    await expect(mm.importFile(path.join(dir, 'photo.bin'))).rejects.toThrow(/not a whisper.cpp ggml model/)
    const info = await mm.importFile(path.join(dir, 'my-finetune.bin'))
    expect(info).toMatchObject({ name: 'my-finetune', installed: true, downloadable: false })
    await mm.remove('my-finetune')
    expect(existsSync(path.join(dir, 'models', 'ggml-my-finetune.bin'))).toBe(false)
    expect(recommendModel(32_000)).toBe('large-v3-turbo')
    expect(recommendModel(3000)).toBe('base')
  })
})

describe('background model downloads', () => {
  it('reports progress and completion as events; a second start is refused; cancel reports cancelled', async () => {
    const { ModelDownloads } = await import('../../src/core/models/model-downloads')
    const { EventBus } = await import('../../src/core/event-bus')
    const dir = tempDir()
    const srv = await modelServer(fakeModel)
    const events = new EventBus()
    const seen: { name: string; status: string; receivedBytes: number }[] = []
    events.subscribe((name, p) => name === 'models.download' && seen.push(p as (typeof seen)[number]))
    const d = new ModelDownloads(new ModelManager(() => dir, 8192, [entry(sha1)]), events, () => srv.url)
    expect(d.start('tiny')).toBe(true)
    expect(d.start('tiny')).toBe(false)
    await expect.poll(() => seen.at(-1)?.status).toBe('done')
    expect(seen.some((e) => e.status === 'running' && e.receivedBytes > 0)).toBe(true)
    expect(readdirSync(dir)).toEqual(['ggml-tiny.bin'])

    const big = await modelServer(Buffer.concat([fakeModel, Buffer.alloc(30_000_000)]))
    const dir2 = tempDir()
    const d2 = new ModelDownloads(new ModelManager(() => dir2, 8192, [entry(sha1)]), events, () => big.url)
    d2.start('tiny')
    await expect.poll(() => seen.some((e) => e.status === 'running' && e.receivedBytes > 500_000)).toBe(true)
    expect(d2.cancel('tiny')).toBe(true)
    await expect.poll(() => seen.at(-1)?.status).toBe('cancelled')
    expect(readdirSync(dir2)).toEqual([])
    await srv.close()
    await big.close()
  })
})

describe('download transport', () => {
  it('downloads through the fetch the shell provides (Electron: net.fetch, for the system proxy)', async () => {
    const dir = tempDir()
    const srv = await modelServer(fakeModel)
    const urls: string[] = []
    const viaShell: typeof fetch = (input, init) => {
      urls.push(String(input))
      return fetch(input, init)
    }
    await new ModelManager(() => dir, 8192, [entry(sha1)], viaShell).download('tiny', { baseUrl: srv.url })
    expect(urls).toEqual([`${srv.url}/ggml-tiny.bin`])
    await srv.close()
  })
})
