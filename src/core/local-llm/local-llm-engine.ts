import { gpuInUse } from './gpu-in-use'
import os from 'node:os'
import path from 'node:path'
import type { LocalLlmStatus } from '../../shared/calls/local-llm-calls'
import { startNativeChild, type NativeChild } from '../runtime/native-child'
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
  /** an idle engine (and the model in it) is let go after this long */
  idleMs?: number
}

/**
 * The built-in LLM engine as the host process sees it: a child process that hosts node-llama-cpp
 * (../runtime/native-child.ts), started on first use and stopped when idle (which frees the
 * model's memory). Every generation streams its text back as it comes; aborting its signal stops
 * it within a token. A model that aborts the engine fails its own generation; those waiting
 * behind it go on in a new child.
 */
export class LocalLlmEngine {
  private worker: NativeChild | null = null
  private nextId = 1
  private readonly pending = new Map<
    number,
    { req: GenerateRequest; child?: NativeChild; resolve: (r: GenerateResult) => void; reject: (e: Error) => void }
  >()
  private statusWaiters: { resolve: (s: FromWorker & { type: 'status' }) => void; reject: (e: Error) => void }[] = []
  private idleTimer: NodeJS.Timeout | null = null
  /** a child letting go of its model: the next one starts only after (two at once can crash) */
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
    w.ref(true)
    const s = await new Promise<FromWorker & { type: 'status' }>((resolve, reject) => {
      this.statusWaiters.push({ resolve, reject })
      w.send({ type: 'status' } satisfies ToWorker)
    }).finally(() => this.armIdle())
    const gpu = gpuInUse(s.gpu, s.devices)
    return { gpu, backend: gpu === false ? 'cpu' : gpu, threads: s.threads, loadedModel: s.loadedModel }
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    await this.closing
    if (this.idleTimer) clearTimeout(this.idleTimer)
    const id = this.nextId++
    return new Promise<GenerateResult>((resolve, reject) => {
      const onAbort = () => this.worker?.send({ type: 'cancel', id } satisfies ToWorker)
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
      this.post(id, req)
    })
  }

  /** Hand generation `id` to the child (a new one if the last one is gone). */
  private post(id: number, req: GenerateRequest) {
    const w = this.ensureWorker()
    this.pending.get(id)!.child = w
    // a running generation keeps the process alive (a CLI run waits for it)
    w.ref(true)
    const { signal: _s, onDelta: _d, ...rest } = req
    w.send({ type: 'generate', id, ...rest, temperature: 0.3 } satisfies ToWorker)
    if (req.signal.aborted) w.send({ type: 'cancel', id } satisfies ToWorker)
  }

  /** Whether the child (and any model in it) is in memory now. */
  get alive(): boolean {
    return this.worker !== null
  }

  /** Stop the child now (the app is closing, or tests are done). */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    const w = this.worker
    this.worker = null
    if (!w) return this.closing
    // let the child free the model itself (killing it mid-native-call can leave GPU memory taken)
    const closed = new Promise<void>((resolve) => {
      w.onMessage((m) => (m as FromWorker).type === 'closed' && resolve())
      w.onExit(() => resolve())
    })
    // keep the process alive until the child has let go of the model
    w.ref(true)
    w.send({ type: 'close' } satisfies ToWorker)
    this.closing = Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())]).then(() => w.kill())
    return this.closing
  }

  private armIdle() {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    if (this.pending.size) return
    this.worker?.ref(false)
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs)
    this.idleTimer.unref()
  }

  private ensureWorker(): NativeChild {
    if (this.worker) return this.worker
    const w = startNativeChild('llm', { threads: this.threads })
    // an idle engine must not keep a CLI run alive
    w.ref(false)
    let running: number | null = null
    w.onMessage((message) => {
      const m = message as FromWorker
      if (m.type === 'status') {
        for (const s of this.statusWaiters.splice(0)) s.resolve(m)
        return
      }
      if (m.type === 'closed') return
      if (m.type === 'running') {
        running = m.id
        return
      }
      const p = this.pending.get(m.id)
      if (m.id === running) running = null
      if (!p) return
      if (m.type === 'delta') p.req.onDelta(m.text)
      else if (m.type === 'done') p.resolve(m)
      else p.reject(new EngineError(m.kind, m.message))
    })
    w.onExit(({ reason }) => {
      // closed on purpose (idle, or the app is closing): what it still had was cancelled
      const closed = this.worker !== w
      if (!closed) this.worker = null
      else
        for (const p of this.pending.values())
          if (p.child === w) p.reject(new EngineError('crashed', 'The built-in engine was closed.'))
      if (closed) return
      for (const s of this.statusWaiters.splice(0))
        s.reject(new EngineError('crashed', `The built-in engine stopped: ${reason}.`))
      const crashed = (p: { req: GenerateRequest }) =>
        new EngineError(
          'crashed',
          `The built-in engine stopped abruptly while running ${path.basename(p.req.modelPath)} (${reason}). ` +
            'The model file is damaged or not one this engine can run: delete it and import or download it again. Other work goes on.',
        )
      const culprit = running === null ? null : this.pending.get(running)
      for (const [id, p] of [...this.pending]) {
        if (p.child !== w) continue
        if (p.req.signal.aborted) p.reject(new EngineError('crashed', 'Cancelled'))
        // not knowing which one it was, none is run again (it would abort the next child too)
        else if (!culprit || p === culprit) p.reject(crashed(p))
        // the generations waiting behind it did nothing wrong: a new child runs them
        else this.post(id, p.req)
      }
    })
    this.worker = w
    return w
  }
}
