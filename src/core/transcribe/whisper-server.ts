import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { openAsBlob } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import type { EngineBackend } from '../../shared/calls/hardware-calls'
import { AppError } from '../../shared/errors'
import type { Word } from '../../shared/transcribe-types'
import { wordsFromTokens, type EngineToken } from './word-timing'
import { removeEngineRecord, writeEngineRecord } from '../runtime/engine-record'

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

/** The patched server's contract (scripts/engine-patches/mp4totext-guard.h). */
const TOKEN_ENV = 'MP4TOTEXT_ENGINE_TOKEN'
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

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
        // stdin is a pipe only this process holds: when it dies the pipe closes and the engine exits.
        // The secret goes in the environment: argv is visible to every user through `ps`.
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, ...config.env, [TOKEN_ENV]: token, [WATCH_STDIN_ENV]: '1' },
        windowsHide: true,
      },
    )
    // nothing is ever written; a write error after the engine died must not become an uncaught one
    proc.stdin!.on('error', () => {})
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
        () => finish(new AppError('internal', 'The transcription engine did not start in time.')),
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
      proc.on('error', (err) => finish(new AppError('internal', `The transcription engine could not start: ${err.message}`)))
      proc.on('exit', (code) =>
        finish(
          new AppError(
            'invalid-input',
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
    if (this.exited) throw new AppError('internal', 'The transcription engine is not running')
    const form = new FormData()
    // a file-backed Blob: the window is streamed from disk, never copied into memory
    const blob =
      typeof wav === 'string'
        ? await openAsBlob(wav, { type: 'audio/wav' })
        : new Blob([new Uint8Array(wav)], { type: 'audio/wav' })
    form.append('file', blob, 'window.wav')
    form.append('response_format', 'verbose_json')
    form.append('language', p.language)
    if (p.translate) form.append('translate', 'true')
    if (p.prompt) form.append('prompt', p.prompt)
    if (p.beamSize) form.append('beam_size', String(p.beamSize))
    form.append('temperature', '0.0')
    form.append('temperature_inc', p.noFallback ? '0.0' : '0.2')
    if (p.noTimestamps) form.append('no_timestamps', 'true')
    this.onProgress = onProgress ?? null
    const onAbort = () => this.kill()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const res = await fetch(`${this.url}/inference`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${this.token}` },
      })
      const body = (await res.json()) as {
        error?: string
        segments?: { start: number; end: number; text: string; words?: EngineToken[] }[]
        language?: string
      }
      if (!res.ok || body.error)
        throw new AppError('internal', `The transcription engine refused the audio: ${body.error ?? res.status}`)
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
      throw new AppError('internal', `The transcription engine stopped unexpectedly: ${engineReason(this.stderrTail)}`)
    } finally {
      this.onProgress = null
      signal?.removeEventListener('abort', onAbort)
    }
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL')
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
    throw new AppError('internal', `The transcription engine stopped unexpectedly: ${engineReason(log())}`)
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
  return lines.reverse().find((l) => /error|failed|assert|invalid|cannot|unable/i.test(l)) ?? lines[0] ?? 'no details'
}
