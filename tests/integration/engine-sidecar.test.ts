import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { wavFile } from '../../src/core/media/decode'
import { whisperServerPath } from '../../src/core/transcribe/engine-paths'
import { WhisperServer } from '../../src/core/transcribe/whisper-server'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { processGone } from '../helpers/processes'
import { installMiniModel } from '../helpers/transcribe-env'
import { freePort } from '../../src/core/runtime/free-port'

const tempDir = useTempDirs()
const engines: WhisperServer[] = []
const procs: ChildProcess[] = []
const pids: number[] = []
afterEach(() => {
  for (const e of engines.splice(0)) e.kill()
  for (const p of procs.splice(0)) p.kill('SIGKILL')
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone: what the test wanted
    }
  }
})

async function startEngine(): Promise<{ engine: WhisperServer; dir: string; modelPath: string }> {
  const dir = tempDir()
  await installMiniModel(dir)
  const modelPath = path.join(dir, 'models', 'ggml-mini-test.bin')
  const engine = await WhisperServer.start({ serverPath: whisperServerPath(), modelPath, threads: 1 })
  engines.push(engine)
  return { engine, dir, modelPath }
}

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** A raw HTTP request: unlike fetch, it can send any Host and Origin, as a hostile page or a DNS-rebinding attack does. */
function request(port: number, method: string, urlPath: string, headers: Record<string, string>, body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** multipart/form-data with one text field, as a page's FormData POST sends it */
function multipart(field: string, value: string): { body: Buffer; contentType: string } {
  const boundary = '----mp4totextTestBoundary'
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n--${boundary}--\r\n`,
  )
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}

/** Starts tests/helpers/engine-owner.ts in its own Node process; resolves with the pids it reports. */
async function startEngineOwner(modelPath: string, runDir?: string): Promise<{ owner: ChildProcess; enginePid: number }> {
  const script = path.resolve(import.meta.dirname, '../helpers/engine-owner.ts')
  const owner = spawn(process.execPath, ['--import', 'tsx', script, modelPath, ...(runDir ? [runDir] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  procs.push(owner)
  let out = ''
  let err = ''
  owner.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  const line = await new Promise<string>((resolve, reject) => {
    owner.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('\n')) resolve(out.split('\n')[0]!)
    })
    owner.on('exit', (code) => reject(new Error(`engine owner exited (${code}): ${err}`)))
  })
  const { enginePid } = JSON.parse(line) as { enginePid: number }
  pids.push(enginePid)
  return { owner, enginePid }
}

describe('the engine answers the audio it is sent', () => {
  it('a WAV of a few dozen samples is answered with no segments, not a 500', async () => {
    // the server used to detect the language after every answer (a field the app never reads):
    // an extra encoder pass per window, and an error for audio too short to detect in
    const { engine, dir } = await startEngine()
    const file = path.join(dir, 'blip.wav')
    writeFileSync(file, wavFile(Buffer.alloc(64)))
    const params = { language: 'en', translate: false, prompt: '', noFallback: true }
    await expect(engine.transcribe(file, params)).resolves.toMatchObject({ segments: [] })
  })
})

describe('the engine sidecar dies with its parent', () => {
  it('kill -9 of the process that started it ends whisper-server too', async () => {
    const dir = tempDir()
    await installMiniModel(dir)
    const { owner, enginePid } = await startEngineOwner(path.join(dir, 'models', 'ggml-mini-test.bin'))
    expect(processGone(enginePid)).toBe(false)
    owner.kill('SIGKILL')
    await new Promise((r) => owner.once('exit', r))
    // bounded wait: the assertion is on the outcome, not on how fast it came
    for (let i = 0; i < 200 && !processGone(enginePid); i++) await new Promise((r) => setTimeout(r, 100))
    expect(processGone(enginePid)).toBe(true)
  })
})

describe('the engine sidecar refuses whatever is not the app', () => {
  it("a web page's POST /load is refused, and the engine keeps serving the app", async () => {
    const { engine, dir } = await startEngine()
    const { url, token } = engine.endpoint
    const port = Number(new URL(url).port)
    // upstream whisper-server exits when /load is given a file that is not a model: one POST kills the running job
    const junk = path.join(dir, 'not-a-model.bin')
    writeFileSync(junk, 'junk'.repeat(100))
    const form = multipart('model', junk)
    const hostile = { host: `127.0.0.1:${port}`, origin: 'https://evil.example', 'content-type': form.contentType }
    // without the secret, as a page would send it
    const blind = await request(port, 'POST', '/load', hostile, form.body)
    expect(blind.status).toBe(403)
    // even a page that somehow learnt the secret is refused for its Origin alone
    const withSecret = await request(port, 'POST', '/load', { ...hostile, authorization: `Bearer ${token}` }, form.body)
    expect(withSecret.status).toBe(403)
    expect(withSecret.headers['access-control-allow-origin']).toBeUndefined()

    expect(engine.alive).toBe(true)
    const wav = makeMedia(dir, 'a.wav', { seconds: 2, noise: true, sampleRate: 16_000 })
    const out = await engine.transcribe(wav, { language: 'en', translate: false, prompt: '', noFallback: true })
    expect(Array.isArray(out.segments)).toBe(true)
  })

  it('a CORS preflight from a page gets no Access-Control-Allow-Origin', async () => {
    const { engine } = await startEngine()
    const port = Number(new URL(engine.endpoint.url).port)
    const res = await request(port, 'OPTIONS', '/inference', {
      host: `127.0.0.1:${port}`,
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    })
    expect(res.status).toBe(403)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('another Host (DNS rebinding) is refused even with the secret; localhost and 127.0.0.1 are not', async () => {
    const { engine } = await startEngine()
    const { url, token } = engine.endpoint
    const port = Number(new URL(url).port)
    const auth = { authorization: `Bearer ${token}` }
    for (const host of [`attacker.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.evil.example:${port}`]) {
      const res = await request(port, 'GET', '/health', { ...auth, host })
      expect({ host, status: res.status }).toEqual({ host, status: 403 })
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const res = await request(port, 'GET', '/health', { ...auth, host })
      expect({ host, status: res.status }).toEqual({ host, status: 200 })
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
    }
  })

  it('no secret, or a wrong one, is refused', async () => {
    const { engine } = await startEngine()
    const { url, token } = engine.endpoint
    const port = Number(new URL(url).port)
    const host = `127.0.0.1:${port}`
    const cases: Record<string, string>[] = [
      { host },
      { host, authorization: 'Bearer ' },
      { host, authorization: `Bearer ${token}x` },
      { host, authorization: `Bearer ${token.slice(0, -1)}` },
      { host, authorization: token },
    ]
    for (const headers of cases) {
      for (const [method, p] of [
        ['GET', '/health'],
        ['GET', '/'],
        ['POST', '/inference'],
      ] as const) {
        const res = await request(port, method, p, headers)
        expect({ headers, p, status: res.status }).toEqual({ headers, p, status: 401 })
      }
    }
  })

  it.skipIf(process.platform !== 'linux')('the secret does not travel on the command line (ps shows argv)', async () => {
    const { engine } = await startEngine()
    const cmdline = readFileSync(`/proc/${engine.pid}/cmdline`, 'utf8')
    expect(cmdline).toContain('whisper-server')
    expect(engine.endpoint.token.length).toBeGreaterThanOrEqual(32)
    expect(cmdline).not.toContain(engine.endpoint.token)
  })

  it.skipIf(process.platform !== 'linux')(
    'the secret is not in its environment either: /proc/<pid>/environ keeps the start-up environment after unsetenv',
    async () => {
      const { engine } = await startEngine()
      const environ = readFileSync(`/proc/${engine.pid}/environ`, 'utf8')
      expect(environ).toContain('MP4TOTEXT_ENGINE_WATCH_STDIN=1')
      expect(engine.endpoint.token.length).toBeGreaterThanOrEqual(32)
      expect(environ).not.toContain(engine.endpoint.token)
      // and the engine still requires it
      const res = await fetch(`${engine.endpoint.url}/health`, { headers: { authorization: `Bearer ${engine.endpoint.token}` } })
      expect(res.status).toBe(200)
    },
  )

  it.skipIf(process.platform === 'win32')(
    'an engine that answers without the secret (an upstream build) is not used',
    async () => {
      const dir = tempDir()
      // stands in for upstream whisper-server: listens on --port and answers everyone
      const upstream = path.join(dir, 'upstream-whisper-server')
      writeFileSync(
        upstream,
        `#!${process.execPath}
const port = Number(process.argv[process.argv.indexOf('--port') + 1])
require('node:http').createServer((req, res) => res.end('{"status":"ok"}')).listen(port, '127.0.0.1')
`,
      )
      chmodSync(upstream, 0o755)
      await expect(WhisperServer.start({ serverPath: upstream, modelPath: path.join(dir, 'm.bin'), threads: 1 })).rejects.toThrow(
        /not MP4toText's guarded build.*npm run build:engine/,
      )
    },
  )

  it('the engine will not serve at all when started without a secret', async () => {
    const dir = tempDir()
    await installMiniModel(dir)
    const modelPath = path.join(dir, 'models', 'ggml-mini-test.bin')
    const port = await freePort()
    // nothing on stdin (the old way, a secret in the environment, is not taken either)
    const proc = spawn(whisperServerPath(), ['-m', modelPath, '--host', '127.0.0.1', '--port', String(port), '-t', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MP4TOTEXT_ENGINE_TOKEN: 'a'.repeat(64) },
    })
    procs.push(proc)
    let stderr = ''
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    // upstream listens and serves everyone; the guarded build stops before it loads anything
    const outcome = await new Promise<string>((resolve) => {
      proc.on('exit', (code) => resolve(`exit ${code}`))
      const poll = setInterval(() => {
        const sock = net.connect(port, '127.0.0.1')
        sock.once('connect', () => {
          sock.destroy()
          clearInterval(poll)
          resolve('listening')
        })
        sock.once('error', () => sock.destroy())
      }, 50)
      proc.on('exit', () => clearInterval(poll))
    })
    expect(outcome).toBe('exit 1')
    expect(stderr).toMatch(/MP4TOTEXT_ENGINE_TOKEN/)
    expect(existsSync(modelPath)).toBe(true)
  })
})
