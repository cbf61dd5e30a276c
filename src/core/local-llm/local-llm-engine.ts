import { gpuInUse } from './gpu-in-use'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { LocalLlmStatus } from '../../shared/calls/local-llm-calls'
import type { FromWorker, ToWorker } from './worker-protocol'

export interface GenerateRequest {
  modelPath: string
  contextTokens: number
  system: string
  user: string
  maxTokens: number
  signal: AbortSignal
  onDelta: (text: string) => void
}

export interface GenerateResult {
  text: string
  inputTokens: number
  outputTokens: number
  cancelled: boolean
}

export class EngineError extends Error {
  constructor(
    readonly kind: 'load' | 'context' | 'generate' | 'crashed',
    message: string,
  ) {
    super(message)
    this.name = 'EngineError'
  }
}

export interface EngineOptions {
  /** CPU threads for generation; default: all cores but one (1 on a 2-core machine) */
  threads?: number
  /** an idle worker (and the model in it) is let go after this long */
  idleMs?: number
}

/**
 * The built-in LLM engine as the main thread sees it: a worker thread that hosts node-llama-cpp,
 * started on first use and stopped when idle (which frees the model's memory). Every generation
 * streams its text back as it comes; aborting its signal stops it within a token.
 */
export class LocalLlmEngine {
  private worker: Worker | null = null
  private nextId = 1
  private readonly pending = new Map<
    number,
    { req: GenerateRequest; resolve: (r: GenerateResult) => void; reject: (e: Error) => void }
  >()
  private statusWaiters: ((s: FromWorker & { type: 'status' }) => void)[] = []
  private idleTimer: NodeJS.Timeout | null = null
  /** a worker letting go of its model: the next one starts only after (two at once can crash) */
  private closing: Promise<void> = Promise.resolve()
  readonly threads: number
  private readonly idleMs: number

  constructor(opts: EngineOptions = {}) {
    this.threads = opts.threads ?? Math.max(1, Math.min(8, os.availableParallelism() - 1))
    this.idleMs = opts.idleMs ?? 5 * 60_000
  }

  async status(): Promise<LocalLlmStatus> {
    await this.closing
    const w = this.ensureWorker()
    w.ref()
    const s = await new Promise<FromWorker & { type: 'status' }>((resolve) => {
      this.statusWaiters.push(resolve)
      w.postMessage({ type: 'status' } satisfies ToWorker)
    })
    this.armIdle()
    const gpu = gpuInUse(s.gpu, s.devices)
    return { gpu, backend: gpu === false ? 'cpu' : gpu, threads: s.threads, loadedModel: s.loadedModel }
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    await this.closing
    const w = this.ensureWorker()
    if (this.idleTimer) clearTimeout(this.idleTimer)
    // a running generation keeps the process alive (a CLI run waits for it)
    w.ref()
    const id = this.nextId++
    return new Promise<GenerateResult>((resolve, reject) => {
      const onAbort = () => w.postMessage({ type: 'cancel', id } satisfies ToWorker)
      req.signal.addEventListener('abort', onAbort, { once: true })
      const done = () => {
        req.signal.removeEventListener('abort', onAbort)
        this.pending.delete(id)
        this.armIdle()
      }
      this.pending.set(id, {
        req,
        resolve: (r) => {
          done()
          resolve(r)
        },
        reject: (e) => {
          done()
          reject(e)
        },
      })
      const { signal: _s, onDelta: _d, ...rest } = req
      w.postMessage({ type: 'generate', id, ...rest, temperature: 0.3 } satisfies ToWorker)
      if (req.signal.aborted) onAbort()
    })
  }

  /** Whether the worker (and any model in it) is in memory now. */
  get alive(): boolean {
    return this.worker !== null
  }

  /** Stop the worker now (the app is closing, or tests are done). */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    const w = this.worker
    this.worker = null
    if (!w) return this.closing
    // let the worker free the model itself (terminating it mid-native-call can crash the process)
    const closed = new Promise<void>((resolve) => {
      w.on('message', (m: FromWorker) => m.type === 'closed' && resolve())
      w.once('exit', () => resolve())
    })
    // keep the process alive until the worker has let go of the model
    w.ref()
    w.postMessage({ type: 'close' } satisfies ToWorker)
    this.closing = Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())]).then(async () => {
      await w.terminate()
    })
    return this.closing
  }

  private armIdle() {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    if (this.pending.size) return
    this.worker?.unref()
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs)
    this.idleTimer.unref()
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const { file, execArgv } = workerEntry()
    const w = new Worker(file, { workerData: { threads: this.threads }, execArgv })
    // an idle engine must not keep a CLI run alive
    w.unref()
    w.on('message', (m: FromWorker) => {
      if (m.type === 'status') {
        for (const s of this.statusWaiters.splice(0)) s(m)
        return
      }
      if (m.type === 'closed') return
      const p = this.pending.get(m.id)
      if (!p) return
      if (m.type === 'delta') p.req.onDelta(m.text)
      else if (m.type === 'done') p.resolve(m)
      else p.reject(new EngineError(m.kind, m.message))
    })
    const fail = (message: string) => {
      if (this.worker === w) this.worker = null
      for (const p of [...this.pending.values()]) p.reject(new EngineError('crashed', message))
    }
    w.on('error', (err) => fail(`The built-in engine stopped: ${err.message}`))
    w.on('exit', (code) => fail(`The built-in engine exited (code ${code}).`))
    this.worker = w
    return w
  }
}

/**
 * The worker's file: the TypeScript source in a checkout (run through tsx, as the CLI is), or
 * the bundled .js beside this module in a build.
 */
function workerEntry(): { file: URL; execArgv: string[] } {
  const js = new URL('./llm-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(js))) return { file: js, execArgv: [] }
  const ts = new URL('./llm-worker.ts', import.meta.url)
  // keep the parent's loaders (e.g. a test's --import preload), then add tsx for the .ts source
  const inherited: string[] = []
  for (let i = 0; i < process.execArgv.length; i++) {
    const a = process.execArgv[i]!
    if ((a === '--import' || a === '--require') && process.execArgv[i + 1]) inherited.push(a, process.execArgv[++i]!)
    else if (a.startsWith('--import=') || a.startsWith('--require=')) inherited.push(a)
  }
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  return { file: ts, execArgv: [...inherited, '--import', tsx] }
}
