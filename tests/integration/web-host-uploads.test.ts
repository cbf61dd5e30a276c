import http from 'node:http'
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { MAX_UPLOAD_BYTES, sweepOrphanUploads, uploadsDir } from '../../src/core/uploads/upload-store'
import type { Job } from '../../src/shared/transcribe-types'
import { MAX_JSON_BODY_BYTES, startWebHost, type WebHost } from '../../src/web/web-host'
import { useTempDirs } from '../helpers/temp-dir'
import { transcriptMeta } from '../helpers/fixtures'

const tempDir = useTempDirs()

async function setup(uploads?: Parameters<typeof startWebHost>[1]['uploads']) {
  const staticDir = tempDir()
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><p>app</p>')
  const dataDir = tempDir()
  const core = await openCore({ dataDir, shell: 'web', version: 't', systemLocale: 'en-US', env: {} })
  const host = await startWebHost(core, { staticDir, uploads })
  const base = new URL(host.url).origin
  return { core, host, base, dataDir }
}

async function upload(
  base: string,
  host: WebHost,
  name: string | null,
  body: string | Buffer | ReadableStream = 'media bytes',
): Promise<{ status: number; env: { ok: boolean; value?: string; error?: { code: string; message: string } } }> {
  const q = name === null ? '' : `?name=${encodeURIComponent(name)}`
  const res = await fetch(`${base}/api/upload${q}`, {
    method: 'POST',
    headers: { 'x-mp4totext-token': host.token },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit)
  return { status: res.status, env: (await res.json()) as never }
}

function job(id: string, file: string, status: Job['status'], transcriptId: string | null = null): Job {
  return {
    id,
    file,
    fileName: path.basename(file),
    status,
    progress: 0,
    etaSec: null,
    realtimeFactor: null,
    durationSec: null,
    options: { model: 'tiny', language: 'auto', translate: false, prompt: '' },
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    error: null,
    transcriptId,
  }
}

/** A finished transcript of an uploaded file, as the queue leaves it. */
async function transcriptOf(core: Core, id: string, mediaPath: string): Promise<void> {
  core.library.transaction(() => {
    core.library.jobs.put(job(`job-${id}`, mediaPath, 'done', id))
    core.library.transcripts.put(transcriptMeta(id, mediaPath))
    core.library.segments.put(id, { revision: 0, segments: [] })
  })
}

describe('uploads: hostile names', () => {
  it('never write outside a fresh per-upload folder, and a failed upload never removes more than that folder', async () => {
    const { host, base, dataDir } = await setup()
    const uploads = uploadsDir(dataDir)
    const hostile = [
      '..',
      '.',
      '',
      '...',
      '   ',
      '. .',
      'a/b.mp4',
      '../../db.json',
      'a\\b.mp4',
      'x\u0000y.mp4',
      'line\nbreak.mp4',
      '/etc/passwd',
      null,
    ]
    const folders = new Set<string>()
    for (const name of hostile) {
      const { status, env } = await upload(base, host, name, `bytes of ${JSON.stringify(name)}`)
      expect({ name, status, ok: env.ok }).toEqual({ name, status: 200, ok: true })
      const file = env.value!
      expect(path.dirname(path.dirname(file)), JSON.stringify(name)).toBe(uploads)
      const base_ = path.basename(file)
      expect(base_).not.toMatch(/^[. ]*$/)
      // eslint-disable-next-line no-control-regex -- the point: no control characters in the name
      expect(base_).not.toMatch(/[/\\\x00-\x1f]/)
      expect(readFileSync(file, 'utf8')).toBe(`bytes of ${JSON.stringify(name)}`)
      folders.add(path.dirname(file))
      expect(existsSync(path.join(dataDir, 'db.json')), `db.json after ${JSON.stringify(name)}`).toBe(true)
    }
    expect(folders.size).toBe(hostile.length)
    await host.close()
  })

  it('keeps ordinary names readable: unicode and inner dots stay; characters other systems refuse become "_"', async () => {
    const { host, base } = await setup()
    const kept = async (name: string) => path.basename((await upload(base, host, name)).env.value!)
    expect(await kept('Toplantı 2025.11.03.mp4')).toBe('Toplantı 2025.11.03.mp4')
    expect(await kept('Çalıştay — şükür.m4a')).toBe('Çalıştay — şükür.m4a')
    expect(await kept('a:b?c*.wav')).toBe('a_b_c_.wav')
    expect(await kept('CON.mp4')).toBe('_CON.mp4')
    expect(await kept('..mp4')).toBe('upload.mp4')
    // right-to-left override: "rapor<RLO>4pm.exe" shows as "raporexe.mp4" in lists and dialogs
    expect(await kept('rapor\u202e4pm.exe')).toBe('rapor4pm.exe')
    expect(await kept('\u2067kayıt\u2069 \u200fson\u200e.wav')).toBe('kayıt son.wav')
    const long = await kept(`${'ş'.repeat(300)}.mp4`)
    expect(long.endsWith('.mp4')).toBe(true)
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200)
    await host.close()
  })
})

describe('uploads: clean-up', () => {
  it('deleting a transcript removes only its own upload folder, also next to an old upload stored directly in uploads/', async () => {
    const { core, host, base, dataDir } = await setup()
    const a = (await upload(base, host, 'a.mp4')).env.value!
    const b = (await upload(base, host, 'b.mp4')).env.value!
    // what `name=.` made before: a file straight in uploads/
    const legacy = path.join(uploadsDir(dataDir), '0123456789abcdef')
    writeFileSync(legacy, 'old upload')
    await transcriptOf(core, 'ta', a)
    await transcriptOf(core, 'tl', legacy)
    await core.transcripts.delete('ta')
    expect(existsSync(path.dirname(a))).toBe(false)
    expect(existsSync(b)).toBe(true)
    await core.transcripts.delete('tl')
    expect(existsSync(b)).toBe(true)
    expect(existsSync(path.join(dataDir, 'db.json'))).toBe(true)
    await host.close()
  })

  it('removing a failed job removes its upload; an upload a transcript still shows is kept', async () => {
    const { core, host, base } = await setup()
    const failed = (await upload(base, host, 'failed.mp4')).env.value!
    const shown = (await upload(base, host, 'shown.mp4')).env.value!
    core.library.jobs.put(job('j-failed', failed, 'failed'))
    await transcriptOf(core, 'ts', shown)
    await core.transcription.removeJob('j-failed')
    expect(existsSync(path.dirname(failed))).toBe(false)
    await core.transcription.removeJob('job-ts')
    expect(existsSync(shown)).toBe(true)
    await host.close()
  })

  it('sweepOrphanUploads removes upload folders no job or transcript needs, and nothing else', async () => {
    const { core, host, base, dataDir } = await setup()
    const shown = (await upload(base, host, 'shown.mp4')).env.value!
    const retryable = (await upload(base, host, 'retry.mp4')).env.value!
    const doneNoTranscript = (await upload(base, host, 'done.mp4')).env.value!
    const orphan = (await upload(base, host, 'orphan.mp4')).env.value!
    const legacy = path.join(uploadsDir(dataDir), 'fedcba9876543210')
    writeFileSync(legacy, 'old upload')
    const notOurs = path.join(uploadsDir(dataDir), 'README.txt')
    writeFileSync(notOurs, 'a note')
    await transcriptOf(core, 'ts', shown)
    core.library.transaction(() => {
      core.library.jobs.put(job('j-int', retryable, 'interrupted'))
      core.library.jobs.put(job('j-done', doneNoTranscript, 'done', null))
    })
    const fresh = (await upload(base, host, 'being-queued.mp4')).env.value!
    // everything but `fresh` was last written two hours ago
    const old = new Date(Date.now() - 2 * 3600_000)
    for (const f of [shown, retryable, doneNoTranscript, orphan]) {
      utimesSync(f, old, old)
      utimesSync(path.dirname(f), old, old)
    }
    utimesSync(legacy, old, old)
    const removed = await sweepOrphanUploads(dataDir, core.library)
    expect(removed.sort()).toEqual([path.dirname(doneNoTranscript), path.dirname(orphan), legacy].sort())
    expect(existsSync(shown) && existsSync(retryable) && existsSync(notOurs)).toBe(true)
    // an upload another process may be about to queue is left for a later start
    expect(existsSync(fresh)).toBe(true)
    // a data folder that never had uploads is fine
    expect(await sweepOrphanUploads(tempDir(), core.library)).toEqual([])
    await host.close()
  })
})

describe('uploads: interrupted', () => {
  it('an upload the client abandons halfway leaves no folder behind', async () => {
    const { host, base, dataDir } = await setup()
    const req = http.request(`${base}/api/upload?name=half.mp4`, {
      method: 'POST',
      headers: { 'x-mp4totext-token': host.token, 'content-length': String(10 * 1024 * 1024) },
    })
    req.on('error', () => undefined)
    req.write(Buffer.alloc(256 * 1024))
    // the folder exists while the upload runs…
    await vi.waitFor(() => expect(readdirSync(uploadsDir(dataDir))).toHaveLength(1))
    req.destroy()
    // …and goes with the connection
    await vi.waitFor(() => expect(readdirSync(uploadsDir(dataDir))).toEqual([]))
    expect(existsSync(path.join(dataDir, 'db.json'))).toBe(true)
    await host.close()
  })
})

describe('web host limits', () => {
  it('a 5 M-character Turkish transcript fits in one call; a bigger body gets a 413 with a clear message', async () => {
    const { core, host, base } = await setup()
    const model = core.catalog.list(false).find((m) => m.provider === 'groq' && m.kind === 'chat' && m.active)!
    const text = 'ığüşöçİĞÜŞ'.repeat(500_000)
    expect(text.length).toBe(5_000_000)
    const body = JSON.stringify({ text, provider: 'groq', modelId: model.modelId, preset: 'cleanup' })
    expect(Buffer.byteLength(body)).toBeGreaterThan(9_000_000)
    const call = (b: string) =>
      fetch(`${base}/api/call/enhance.start`, { method: 'POST', headers: { 'x-mp4totext-token': host.token }, body: b })
    const ok = await call(body)
    expect(ok.status).toBe(200)
    // the text passed the contract; the call stops only at the missing key
    expect(await ok.json()).toMatchObject({ ok: false, error: { code: 'missing-key' } })
    const big = await call(`{"text":"${'a'.repeat(MAX_JSON_BODY_BYTES)}"}`)
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/16 MiB/) },
    })
    // and the host still answers
    expect((await call(body)).status).toBe(200)
    await host.close()
  })

  it('uploads above the cap get a 413, whether the size is declared or streamed; nothing is left behind', async () => {
    const { host, base, dataDir } = await setup({ maxBytes: 1024 * 1024 })
    expect(MAX_UPLOAD_BYTES).toBe(20 * 1024 ** 3)
    const declared = await upload(base, host, 'big.mp4', Buffer.alloc(2 * 1024 * 1024))
    expect(declared.status).toBe(413)
    expect(declared.env.error?.message).toMatch(/larger than 1 MiB/)
    let left = 40
    const streamed = await upload(
      base,
      host,
      'streamed.mp4',
      new ReadableStream({
        pull(c) {
          if (left-- <= 0) c.close()
          else c.enqueue(new Uint8Array(64 * 1024))
        },
      }),
    )
    expect(streamed.status).toBe(413)
    expect(readdirSync(uploadsDir(dataDir))).toEqual([])
    expect((await upload(base, host, 'small.mp4', Buffer.alloc(1000))).status).toBe(200)
    await host.close()
  })

  it('uploads are refused with a clear message when the disk lacks room', async () => {
    const asked: string[] = []
    const { host, base, dataDir } = await setup({
      freeBytes: async (dir) => {
        asked.push(dir)
        return 300 * 1024 ** 2
      },
    })
    const res = await upload(base, host, 'talk.mp4', Buffer.alloc(100 * 1024 ** 2))
    expect(res.status).toBe(507)
    expect(res.env).toMatchObject({ ok: false, error: { message: expect.stringMatching(/disk/i) } })
    expect(asked[0]).toBe(uploadsDir(dataDir))
    expect(readdirSync(uploadsDir(dataDir))).toEqual([])
    expect((await upload(base, host, 'tiny.mp4', Buffer.alloc(1000))).status).toBe(200)
    await host.close()
  })
})
