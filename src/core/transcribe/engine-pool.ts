import { engineRunDir } from '../runtime/engine-record'
import { whisperServerPath } from './engine-paths'
import { WhisperServer } from './whisper-server'

/**
 * Warm whisper-server processes: an engine that finished a job waits here, model loaded, for the
 * next job with the same model and threads; asking for another model lets the old one go. A
 * killed or crashed engine is never handed out again.
 */
export class EnginePool {
  private idle: WhisperServer[] = []
  private closed = false

  constructor(private readonly opts: { dataDir: string; resourcesDir?: string; env?: NodeJS.ProcessEnv }) {}

  async take(modelPath: string, threads: number): Promise<WhisperServer> {
    this.idle = this.idle.filter((e) => e.alive)
    const i = this.idle.findIndex((e) => e.config.modelPath === modelPath && e.config.threads === threads)
    if (i >= 0) return this.idle.splice(i, 1)[0]!
    // a different model: let the old warm engine go
    for (const e of this.idle.splice(0)) e.kill()
    return WhisperServer.start({
      serverPath: whisperServerPath({ resourcesDir: this.opts.resourcesDir, env: this.opts.env }),
      modelPath,
      threads,
      // a record the next start uses to stop this engine if this process dies without doing so
      runDir: engineRunDir(this.opts.dataDir),
    })
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
