import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { mediaFileResponse } from '../../src/core/media/regular-file'
import { useTempDirs } from '../helpers/temp-dir'
import { transcriptMeta } from '../helpers/fixtures'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})

/**
 * A file the current user can see (stat says: regular file) but cannot open for reading. Tests run
 * as root here, and root reads any chmod-000 file, so as root a write-only sysctl file stands in:
 * the kernel refuses to open it for reading even to root (a real EACCES, nothing mocked).
 */
function unreadableFile(dir: string): string {
  if (process.getuid?.() !== 0) {
    const f = path.join(dir, 'locked.mp4')
    writeFileSync(f, 'secret')
    chmodSync(f, 0o000)
    return f
  }
  return '/proc/sys/vm/compact_memory'
}

/** The real web host in its own process: a crash ends that process, not the test runner. */
async function startHost(dataDir: string, staticDir: string): Promise<{ base: string; token: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/web/main.ts', '--data-dir', dataDir, '--static', staticDir], {
    cwd: root,
    env: { ...process.env, GROQ_API_KEY: '', OPENAI_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  let err = ''
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /Open: (\S+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.on('exit', (code) => reject(new Error(`web host exited (${code}): ${err}`)))
  })
  const u = new URL(url)
  return { base: u.origin, token: u.searchParams.get('token')!, child }
}

/** A request that gives up after a while, so a hung host fails the test instead of stalling it. */
async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string } | 'no answer'> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(8000) })
    return { status: res.status, body: await res.text() }
  } catch {
    return 'no answer'
  }
}

async function alive(base: string, token: string): Promise<boolean> {
  const r = await fetch(`${base}/api/call/credits.get`, {
    method: 'POST',
    headers: { 'x-mp4totext-token': token },
    body: '{}',
    signal: AbortSignal.timeout(8000),
  }).catch(() => null)
  return r?.status === 200
}

describe('web host file serving never crashes or hangs (real host in a child process)', () => {
  async function setup() {
    const dataDir = tempDir()
    const staticDir = tempDir()
    const work = tempDir()
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><p>app</p>')
    writeFileSync(path.join(staticDir, 'app.js'), 'console.log(1)')
    const media = path.join(work, 'talk.mp3')
    writeFileSync(media, Buffer.alloc(1000, 7))
    const folder = path.join(work, 'a-folder.mp4')
    mkdirSync(folder)
    const fifo = path.join(work, 'pipe.mp4')
    execFileSync('mkfifo', [fifo])
    const plainFile = path.join(work, 'plain')
    writeFileSync(plainFile, 'x')
    const core = await openCore({ dataDir, shell: 'web', version: 't', systemLocale: 'en-US', env: {} })
    core.library.transaction(() => {
      for (const t of [
        transcriptMeta('ok', media),
        transcriptMeta('folder', folder),
        transcriptMeta('gone', path.join(work, 'vanished.mp4')),
        transcriptMeta('fifo', fifo),
        transcriptMeta('locked', unreadableFile(work)),
        transcriptMeta('notdir', path.join(plainFile, 'x.mp4')),
      ])
        core.library.transcripts.put(t)
    })
    await core.close()
    return { dataDir, staticDir, fifo, work, ...(await startHost(dataDir, staticDir)) }
  }

  it('/api/media: a readable file streams with ranges; a folder, a vanished, an unreadable file get 403/404 and the host lives on', async () => {
    const { base, token } = await setup()
    const m = (id: string, h: Record<string, string> = {}) => get(`${base}/api/media/${id}?token=${token}`, h)
    expect(await m('ok')).toMatchObject({ status: 200 })
    const part = await m('ok', { range: 'bytes=10-19' })
    expect(part).toMatchObject({ status: 206, body: '\x07'.repeat(10) })
    expect(await m('ok', { range: 'bytes=5000-' })).toMatchObject({ status: 416 })
    for (const [id, status] of [
      ['folder', 403],
      ['gone', 404],
      ['locked', 403],
      ['notdir', 404],
      ['no-such-transcript', 404],
    ] as const) {
      const r = await m(id)
      expect(r, id).not.toBe('no answer')
      expect(r, id).toMatchObject({ status })
      expect(JSON.parse((r as { body: string }).body), id).toMatchObject({ ok: false })
      expect(await alive(base, token), `host alive after ${id}`).toBe(true)
    }
  })

  it('/api/media: five requests for a FIFO are refused and do not hang the host', async () => {
    const { base, token } = await setup()
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(`${base}/api/media/fifo?token=${token}`)))
    for (const a of answers) expect(a).toMatchObject({ status: 403 })
    expect(await alive(base, token)).toBe(true)
    expect(await get(`${base}/app.js`)).toMatchObject({ status: 200, body: 'console.log(1)' })
  })

  it('static files: a FIFO or an unreadable file in the app folder is refused; the host lives on', async () => {
    const { base, token, staticDir } = await setup()
    execFileSync('mkfifo', [path.join(staticDir, 'pipe.js')])
    symlinkSync(unreadableFile(tempDir()), path.join(staticDir, 'locked.js'))
    const fifoAnswers = await Promise.all(Array.from({ length: 5 }, () => get(`${base}/pipe.js`)))
    for (const a of fifoAnswers) expect(a).toMatchObject({ status: 403 })
    expect(await get(`${base}/locked.js`)).toMatchObject({ status: 403 })
    expect(await alive(base, token)).toBe(true)
    // a missing file or a folder is the single-page app, as before; a malformed escape is a 400
    expect(await get(`${base}/nothing/here`)).toMatchObject({ status: 200, body: '<!doctype html><p>app</p>' })
    expect(await get(`${base}/%E0%A4%A`)).toMatchObject({ status: 400 })
    expect(await alive(base, token)).toBe(true)
  })
})

describe('mediaFileResponse (the helper the Electron media protocol can use)', () => {
  it('answers ranges and refuses what is not a readable regular file, without hanging on a FIFO', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'a.mp4')
    writeFileSync(file, 'abcdefghij')
    const whole = await mediaFileResponse(file, new Headers())
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('video/mp4')
    expect(await whole.text()).toBe('abcdefghij')
    const part = await mediaFileResponse(file, new Headers({ range: 'bytes=2-4' }))
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 2-4/10')
    expect(await part.text()).toBe('cde')
    const suffix = await mediaFileResponse(file, new Headers({ range: 'bytes=-3' }))
    expect(await suffix.text()).toBe('hij')
    expect((await mediaFileResponse(file, new Headers({ range: 'bytes=20-' }))).status).toBe(416)
    // opened once: a file removed after the answer started still streams from its handle
    const doomed = path.join(dir, 'doomed.mp4')
    writeFileSync(doomed, 'still here')
    const reply = await mediaFileResponse(doomed, new Headers())
    rmSync(doomed)
    expect(await reply.text()).toBe('still here')
    const fifo = path.join(dir, 'p.mp4')
    execFileSync('mkfifo', [fifo])
    expect((await mediaFileResponse(fifo, new Headers())).status).toBe(403)
    expect((await mediaFileResponse(dir, new Headers())).status).toBe(403)
    expect((await mediaFileResponse(path.join(dir, 'gone.mp4'), new Headers())).status).toBe(404)
    expect((await mediaFileResponse(unreadableFile(dir), new Headers())).status).toBe(403)
    expect(existsSync(file)).toBe(true)
  })
})
