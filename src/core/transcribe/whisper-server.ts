import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, promises as fs } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import { Readable } from 'node:stream'
import type { EngineBackend } from '../../shared/calls/hardware-calls'
import { AppError, keyedError, NO_DETAILS } from '../../shared/errors'
import type { Word } from '../../shared/transcribe-types'
import { wordsFromTokens, type EngineToken } from './word-timing'
import { removeEngineRecord, writeEngineRecord } from '../runtime/engine-record'
import { freePort } from '../runtime/free-port'

export interface EngineConfig {
  serverPath: string
  modelPath: string
  threads: number
  /**
   * Where to record the running engine (`engineRunDir(dataDir)`), so that the next start can end it
   * if this process dies without doing so (src/core/runtime/stale-runtime.ts). Optional: without
   * it the engine still ends with this process through its stdin pipe.
   */
  runDir?: string
  /** which build this is (engine/<platform>-<arch>[-<backend>]); the CPU one when absent */
  backend?: EngineBackend
  /** added to the engine's environment (GGML_VK_VISIBLE_DEVICES: which Vulkan device) */
  env?: Record<string, string>
}

/**
 * The patched server's contract (scripts/engine-patches/mp4totext-guard.h): the secret is the
 * first line written to its stdin; MP4TOTEXT_ENGINE_WATCH_STDIN=1 makes it exit when stdin ends.
 */
const WATCH_STDIN_ENV = 'MP4TOTEXT_ENGINE_WATCH_STDIN'

export interface InferenceParams {
  language: string
  translate: boolean
  prompt: string
  beamSize?: number
  /** no temperature fallback: faster, and deterministic for tests and benchmarks */
  noFallback?: boolean
  /** benchmarks: whole 30 s windows per decode, so the timing model's work is the encoder's */
  noTimestamps?: boolean
}

export interface EngineSegment {
  start: number
  end: number
  text: string
  /** whole words with times, relative to the audio sent (absent when the engine gave none) */
  words?: Word[]
}

/** Every engine this process started: they go when it goes, even on an unplanned exit. */
const live = new Map<ChildProcess, string | undefined>()
process.once('exit', () => {
  for (const [p, runDir] of live) {
    p.kill('SIGKILL')
    if (runDir && p.pid) removeEngineRecord(runDir, p.pid)
  }
})

/**
 * whisper.cpp's whisper-server as a sidecar process: the model is loaded once and stays warm for
 * every window of every file. A native crash ends the process, not the app, and becomes an error
 * of the job that was running. Bound to 127.0.0.1 on a free port.
 *
 * The engine is built patched (scripts/engine-patches): it answers only requests that carry this
 * run's secret, with no Origin and with a loopback Host, so no web page the user visits can use it
 * or reload its model; and it exits when its stdin pipe closes, i.e. when this process is gone,
 * however abruptly.
 */
export class WhisperServer {
  private stderrTail = ''
  private onProgress: ((pct: number) => void) | null = null
  private exited = false

  private constructor(
    readonly config: EngineConfig,
    private readonly proc: ChildProcess,
    private readonly url: string,
    private readonly token: string,
    /** what the engine printed while it loaded the model: which devices it found and used */
    readonly startLog: string,
  ) {
    proc.on('exit', () => {
      this.exited = true
    })
    proc.stderr!.on('data', (c: Buffer) => {
      const text = c.toString()
      this.stderrTail = (this.stderrTail + text).slice(-4000)
      for (const m of text.matchAll(/progress =\s*(\d+)%/g)) this.onProgress?.(Number(m[1]) / 100)
    })
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  get alive(): boolean {
    return !this.exited
  }

  /** Where the engine listens and the secret it requires (tests; nothing else needs them). */
  get endpoint(): { url: string; token: string } {
    return { url: this.url, token: this.token }
  }

  static async start(config: EngineConfig, timeoutMs = 120_000): Promise<WhisperServer> {
    const port = await freePort()
    const token = randomBytes(32).toString('hex')
    const proc = spawn(
      config.serverPath,
      ['-m', config.modelPath, '--host', '127.0.0.1', '--port', String(port), '-t', String(config.threads), '-pp'],
      {
        // stdin is a pipe only this process holds: the secret goes through it (argv is visible to
        // every user through `ps`, the environment in /proc/<pid>/environ for the engine's life),
        // and when this process dies the pipe closes and the engine exits.
        stdio: ['pipe', 'pipe', 'pipe'],
        // MALLOC_ARENA_MAX=1 (glibc; ignored elsewhere): the server answers each request on one of
        // its pool threads (8 or more), and glibc gives each thread an arena that keeps what it freed — a
        // 5-minute window's buffers, ~40 MiB each. Without it the engine grew from 165 to 500 MiB
        // over a 2-hour file; with one arena it stays near its first window's size. The user's own
        // setting wins.
        env: { MALLOC_ARENA_MAX: '1', ...process.env, ...config.env, [WATCH_STDIN_ENV]: '1' },
        windowsHide: true,
      },
    )
    // a write error after the engine died must not become an uncaught one
    proc.stdin!.on('error', () => {})
    proc.stdin!.write(`${token}\n`)
    live.set(proc, config.runDir)
    if (config.runDir && proc.pid) {
      const { runDir } = config
      const pid = proc.pid
      writeEngineRecord(runDir, {
        pid,
        ownerPid: process.pid,
        port,
        serverPath: config.serverPath,
        hostname: os.hostname(),
        startedAt: new Date().toISOString(),
      })
      proc.once('exit', () => removeEngineRecord(runDir, pid))
    }
    proc.once('exit', () => live.delete(proc))
    let log = ''
    // the start of the log names the devices; the tail names an error
    let head = ''
    proc.stderr!.on('data', (c: Buffer) => {
      log = (log + c.toString()).slice(-4000)
      if (head.length < 20_000) head += c.toString()
    })
    // Handshake: the ready line, or the port accepting connections — whichever comes first.
    // (The server printf()s that line, and through a pipe stdio holds it in its buffer.)
    await new Promise<void>((resolve, reject) => {
      let done = false
      const finish = (err?: Error) => {
        if (done) return
        done = true
        clearTimeout(timer)
        clearInterval(poll)
        if (err) {
          proc.kill('SIGKILL')
          reject(err)
        } else resolve()
      }
      const timer = setTimeout(
        () => finish(keyedError('internal', 'engine-start-timeout', {}, 'The transcription engine did not start in time.')),
        timeoutMs,
      )
      let out = ''
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString()
        if (/whisper server listening at/.test(out)) finish()
      })
      const poll = setInterval(() => {
        const sock = net.connect(port, '127.0.0.1')
        sock.once('connect', () => {
          sock.destroy()
          finish()
        })
        sock.once('error', () => sock.destroy())
      }, 10)
      proc.on('error', (err) =>
        finish(
          keyedError(
            'internal',
            'engine-start-failed',
            { detail: err.message },
            `The transcription engine could not start: ${err.message}`,
          ),
        ),
      )
      proc.on('exit', (code) =>
        finish(
          keyedError(
            'invalid-input',
            'engine-load-failed',
            { code: String(code), reason: engineReason(log) },
            `The transcription engine stopped while loading the model (exit ${code}): ${engineReason(log)}`,
          ),
        ),
      )
    })
    proc.stdout!.resume()
    const url = `http://127.0.0.1:${port}`
    await refuseUnguarded(proc, url, config.serverPath, () => log)
    return new WhisperServer(config, proc, url, token, head)
  }

  /** Transcribe one WAV (a file path, or bytes); progress (0..1) comes from the engine's own lines. */
  async transcribe(
    wav: Buffer | string,
    p: InferenceParams,
    onProgress?: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<{ segments: EngineSegment[]; language: string | null }> {
    if (this.exited) throw engineStopped(this.stderrTail, 'The transcription engine is not running')
    const fields: [string, string][] = [
      ['response_format', 'verbose_json'],
      // The server otherwise detects the language again after every answer, for a field we do not
      // read: a whole extra encoder pass per window (a tenth of a 5-minute window's time), and a
      // 500 for audio too short to detect in. The language whisper used comes back either way.
      ['no_language_probabilities', 'true'],
      ['language', p.language],
      ...(p.translate ? [['translate', 'true'] as [string, string]] : []),
      ...(p.prompt ? [['prompt', p.prompt] as [string, string]] : []),
      ...(p.beamSize ? [['beam_size', String(p.beamSize)] as [string, string]] : []),
      ['temperature', '0.0'],
      ['temperature_inc', p.noFallback ? '0.0' : '0.2'],
      ...(p.noTimestamps ? [['no_timestamps', 'true'] as [string, string]] : []),
    ]
    this.onProgress = onProgress ?? null
    const onAbort = () => this.kill()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const res = await this.post('/inference', fields, wav)
      let body: {
        error?: string
        segments?: { start: number; end: number; text: string; words?: EngineToken[] }[]
        language?: string
      }
      try {
        body = JSON.parse(res.body) as typeof body
      } catch {
        body = { error: res.body.slice(0, 200) || `status ${res.status}` }
      }
      if (res.status !== 200 || body.error)
        throw keyedError(
          'internal',
          'engine-refused-audio',
          { detail: String(body.error ?? res.status) },
          `The transcription engine refused the audio: ${body.error ?? res.status}`,
        )
      return {
        segments: (body.segments ?? []).map((s) => ({
          start: s.start,
          end: s.end,
          text: s.text,
          ...(s.words?.length ? { words: wordsFromTokens(s.words) } : {}),
        })),
        language: body.language ?? null,
      }
    } catch (err) {
      if (signal?.aborted) throw new AppError('cancelled', 'Cancelled')
      if (err instanceof AppError) throw err
      // the process died mid-request: a native crash, reported as this job's error
      await new Promise((r) => setTimeout(r, 50))
      throw engineStopped(this.stderrTail)
    } finally {
      this.onProgress = null
      signal?.removeEventListener('abort', onAbort)
    }
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL')
  }

  /**
   * POST a multipart form with the WAV (streamed from disk when a path) to the engine. Node's
   * fetch gives up on an answer after 300 s (undici's headers and body timeouts), and a long
   * window on a slow machine takes longer than that: so this is a plain HTTP request with no time
   * limit at all. The engine's liveness is its process: when it ends, the request ends with it.
   */
  private async post(route: string, fields: [string, string][], wav: Buffer | string): Promise<{ status: number; body: string }> {
    const boundary = `----mp4totext-${randomBytes(12).toString('hex')}`
    const head = Buffer.from(
      fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="window.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    )
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const fileBytes = typeof wav === 'string' ? (await fs.stat(wav)).size : wav.length
    const body = Readable.from(
      (async function* () {
        yield head
        if (typeof wav === 'string') yield* createReadStream(wav)
        else yield wav
        yield tail
      })(),
    )
    return new Promise((resolve, reject) => {
      let settled = false
      const settle = (err: Error | null, r?: { status: number; body: string }) => {
        if (settled) return
        settled = true
        this.proc.off('exit', onExit)
        if (err) {
          body.destroy()
          reject(err)
        } else resolve(r!)
      }
      const req = http.request(
        `${this.url}${route}`,
        {
          method: 'POST',
          // a connection of its own: no kept-alive socket the engine may have closed meanwhile
          agent: false,
          headers: {
            authorization: `Bearer ${this.token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + fileBytes + tail.length),
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', (err) => settle(err))
          res.on('close', () => {
            if (res.complete) settle(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
            else settle(new Error('the engine closed the connection mid-answer'))
          })
        },
      )
      const onExit = () => req.destroy(new Error('the engine process ended'))
      req.on('error', (err) => settle(err))
      body.on('error', (err) => req.destroy(err))
      if (this.exited) {
        req.destroy(new Error('the engine process ended'))
        return
      }
      this.proc.once('exit', onExit)
      body.pipe(req)
    })
  }

  /**
   * The GPU device the engine computes on, from its own log ("whisper_backend_init_gpu: using
   * Vulkan0 backend"), or null when it runs on the CPU ("no GPU found", or a CPU-only build).
   */
  get gpuDevice(): string | null {
    return /whisper_backend_init_gpu: using (.+?) backend/.exec(this.startLog)?.[1] ?? null
  }
}

/**
 * A whisper-server that answers without the secret is not the patched build (an old cached build,
 * or MP4TOTEXT_WHISPER_SERVER pointing at an upstream one): it would serve every web page, so it is
 * not used.
 */
async function refuseUnguarded(proc: ChildProcess, url: string, serverPath: string, log: () => string): Promise<void> {
  let status = 0
  try {
    status = (await fetch(`${url}/health`, { signal: AbortSignal.timeout(30_000) })).status
  } catch {
    status = 0
  }
  if (status === 401) return
  if (status === 0) {
    // it died right after the handshake: a native crash, reported like one in the middle of a job
    await new Promise((r) => setTimeout(r, 50))
    proc.kill('SIGKILL')
    throw engineStopped(log())
  }
  proc.kill('SIGKILL')
  throw new AppError(
    'internal',
    `The transcription engine at ${serverPath} is not MP4toText's guarded build (it answers requests without the app's secret, so any web page could use it). Run "npm run build:engine" to rebuild it.`,
  )
}

/** The last meaningful line the engine printed, for an error message. */
function engineReason(log: string): string {
  const lines = log
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  return lines.reverse().find((l) => /error|failed|assert|invalid|cannot|unable/i.test(l)) ?? lines[0] ?? NO_DETAILS
}

/** The engine died (mid-request, right after starting, or before this request): its last words say why. */
function engineStopped(log: string, message?: string): AppError {
  const reason = engineReason(log)
  return keyedError(
    'internal',
    'engine-stopped',
    { reason },
    message ?? `The transcription engine stopped unexpectedly: ${reason}`,
  )
}
