import type * as LlamaLib from 'node-llama-cpp'
import type { HostPort } from '../runtime/native-child'
import type { FromWorker, ToWorker } from './worker-protocol'

/**
 * node-llama-cpp in the engine's own child process (../runtime/native-host.mjs), so loading a
 * model and generating never block the host, and a model that aborts llama.cpp ends only this
 * process. One model and one context at a time; generations run one after another (queued here).
 * Prebuilt binaries only (`build: 'never'`): nothing is ever downloaded or compiled at run time.
 */
export function runLlmHost(port: HostPort, { threads }: { threads: number }): void {
  const post = (m: FromWorker) => port.postMessage(m)

  type Lib = typeof LlamaLib
  type Llama = Awaited<ReturnType<Lib['getLlama']>>
  type Model = Awaited<ReturnType<Llama['loadModel']>>
  type Context = Awaited<ReturnType<Model['createContext']>>

  let lib: Lib | null = null
  let llama: Llama | null = null
  let loaded: { path: string; contextTokens: number; model: Model; context: Context } | null = null
  const cancels = new Map<number, AbortController>()
  type Job = Extract<ToWorker, { type: 'generate' }>
  const waiting: Job[] = []
  let draining: Promise<void> | null = null

  /**
   * Run queued generations one at a time, the loaded model's first: side-by-side runs of two
   * models would otherwise reload a model for every chunk.
   */
  function drain(): Promise<void> {
    draining ??= (async () => {
      while (waiting.length) {
        const i = Math.max(
          0,
          waiting.findIndex((j) => j.modelPath === loaded?.path),
        )
        const job = waiting.splice(i, 1)[0]!
        // the host then knows whose model it was if the engine aborts
        post({ type: 'running', id: job.id })
        await generate(job).catch((err: unknown) =>
          post({ type: 'error', id: job.id, kind: 'generate', message: (err as Error).message }),
        )
      }
      draining = null
    })()
    return draining
  }

  async function engine(): Promise<{ lib: Lib; llama: Llama }> {
    lib ??= await import('node-llama-cpp')
    // gpu 'auto': CUDA, Vulkan or Metal when the prebuilt binary for it works here, else CPU
    llama ??= await lib.getLlama({ gpu: 'auto', build: 'never', logLevel: lib.LlamaLogLevel.error, progressLogs: false })
    return { lib, llama }
  }

  async function load(modelPath: string, contextTokens: number) {
    if (loaded?.path === modelPath && loaded.contextTokens === contextTokens) return loaded
    if (loaded) {
      await loaded.context.dispose()
      await loaded.model.dispose()
      loaded = null
    }
    const { llama } = await engine()
    const model = await llama.loadModel({ modelPath })
    const context = await model.createContext({
      contextSize: Math.min(contextTokens, model.trainContextSize),
      threads,
      sequences: 1,
    })
    loaded = { path: modelPath, contextTokens, model, context }
    return loaded
  }

  async function generate(m: Extract<ToWorker, { type: 'generate' }>) {
    const ac = cancels.get(m.id)
    if (!ac || ac.signal.aborted) {
      post({ type: 'done', id: m.id, text: '', inputTokens: 0, outputTokens: 0, cancelled: true })
      return
    }
    let l: NonNullable<typeof loaded>
    try {
      l = await load(m.modelPath, m.contextTokens)
    } catch (err) {
      post({ type: 'error', id: m.id, kind: 'load', message: (err as Error).message })
      return
    }
    const { lib } = await engine()
    const sequence = l.context.getSequence()
    const session = new lib.LlamaChatSession({ contextSequence: sequence, systemPrompt: m.system, autoDisposeSequence: false })
    let text = ''
    let outputTokens = 0
    try {
      const inputTokens = l.model.tokenize(m.system + m.user).length
      // the answer gets what the context has left, up to the asked-for cap
      const room = sequence.contextSize - inputTokens - 32
      if (room < 64)
        throw Object.assign(
          new Error(`The text (${inputTokens} tokens) does not fit the ${sequence.contextSize}-token context`),
          {
            kind: 'context' as const,
          },
        )
      const r = await session.promptWithMeta(m.user, {
        maxTokens: Math.min(m.maxTokens, room),
        temperature: m.temperature,
        signal: ac.signal,
        stopOnAbortSignal: true,
        onTextChunk: (t) => {
          text += t
          post({ type: 'delta', id: m.id, text: t })
        },
        onToken: (tokens) => {
          outputTokens += tokens.length
        },
      })
      post({ type: 'done', id: m.id, text, inputTokens, outputTokens, cancelled: r.stopReason === 'abort' || ac.signal.aborted })
    } catch (err) {
      const e = err as Error & { kind?: 'context' }
      if (ac.signal.aborted) post({ type: 'done', id: m.id, text, inputTokens: 0, outputTokens, cancelled: true })
      else post({ type: 'error', id: m.id, kind: e.kind ?? 'generate', message: e.message })
    } finally {
      session.dispose({ disposeSequence: false })
      sequence.dispose()
      cancels.delete(m.id)
    }
  }

  /** Free the model and the engine before the thread ends: terminating mid-native-call can crash. */
  async function close() {
    for (const ac of cancels.values()) ac.abort()
    await drain()
    await loaded?.context.dispose()
    await loaded?.model.dispose()
    await llama?.dispose()
    loaded = null
    llama = null
    post({ type: 'closed' })
  }

  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      void close()
      return
    }
    if (m.type === 'cancel') {
      cancels.get(m.id)?.abort()
      return
    }
    if (m.type === 'status') {
      void engine().then(
        async ({ llama }) =>
          post({
            type: 'status',
            gpu: llama.gpu,
            devices: await llama.getGpuDeviceNames().catch(() => []),
            threads,
            loadedModel: loaded?.path ?? null,
          }),
        (err: unknown) => post({ type: 'error', id: -1, kind: 'load', message: (err as Error).message }),
      )
      return
    }
    cancels.set(m.id, new AbortController())
    waiting.push(m)
    void drain()
  })
}
