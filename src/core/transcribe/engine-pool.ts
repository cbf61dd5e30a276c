import type { EngineBackend } from '../../shared/calls/hardware-calls'
import { AppError } from '../../shared/errors'
import type { EngineChoice } from '../hardware/backends'
import { engineRunDir } from '../runtime/engine-record'
import { whisperServerPath } from './engine-paths'
import { WhisperServer } from './whisper-server'

export interface EnginePoolOptions {
  dataDir: string
  resourcesDir?: string
  env?: NodeJS.ProcessEnv
  /** which build and device to use (absent: the CPU build) */
  choose?: () => Promise<EngineChoice>
  /** a GPU build failed to start or found no device: the CPU build takes over, and this is why */
  onFailure?: (backend: EngineBackend, reason: string) => void
}

/**
 * Warm whisper-server processes: an engine that finished a job waits here, model loaded, for the
 * next job with the same model, threads and build; asking for another lets the old one go. A
 * killed or crashed engine is never handed out again. A GPU build that fails to start, or starts
 * without finding its device, is replaced by the CPU build, whatever the reason.
 */
export class EnginePool {
  private idle: WhisperServer[] = []
  private closed = false

  constructor(private readonly opts: EnginePoolOptions) {}

  async take(modelPath: string, threads: number): Promise<WhisperServer> {
    const choice = (await this.opts.choose?.()) ?? null
    const backend = choice?.backend ?? 'cpu'
    const env = choice?.env ?? {}
    const serverPath = whisperServerPath({ resourcesDir: this.opts.resourcesDir, env: this.opts.env, backend })
    this.idle = this.idle.filter((e) => e.alive)
    const i = this.idle.findIndex(
      (e) =>
        e.config.modelPath === modelPath &&
        e.config.threads === threads &&
        e.config.serverPath === serverPath &&
        JSON.stringify(e.config.env ?? {}) === JSON.stringify(env),
    )
    if (i >= 0) return this.idle.splice(i, 1)[0]!
    // a different model or build: let the old warm engine go
    for (const e of this.idle.splice(0)) e.kill()
    const start = (path: string, b: EngineBackend, e: Record<string, string>) =>
      WhisperServer.start({
        serverPath: path,
        modelPath,
        threads,
        backend: b,
        env: e,
        // a record the next start uses to stop this engine if this process dies without doing so
        runDir: engineRunDir(this.opts.dataDir),
      })
    if (backend === 'cpu') return start(serverPath, 'cpu', env)
    let reason: string
    try {
      const engine = await start(serverPath, backend, env)
      if (engine.gpuDevice) return engine
      engine.kill()
      reason = `the ${backend} build started but found no device to compute on`
    } catch (err) {
      // a model that is not a model fails the same way on the CPU: that error is the job's
      if (err instanceof AppError && err.code === 'invalid-input' && /not a|invalid model|bad magic/i.test(err.message)) throw err
      reason = `the ${backend} build did not start: ${(err as Error).message}`
    }
    this.opts.onFailure?.(backend, reason)
    return start(whisperServerPath({ resourcesDir: this.opts.resourcesDir, env: this.opts.env }), 'cpu', {})
  }

  /** Back to the pool after a job that went well (after shutdown: stopped at once). */
  give(engine: WhisperServer): void {
    if (this.closed) engine.kill()
    else this.idle.push(engine)
  }

  shutdown(): void {
    this.closed = true
    for (const e of this.idle) e.kill()
    this.idle = []
  }
}
