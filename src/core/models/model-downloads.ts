import { toErrorShape } from '../../shared/errors'
import type { EventBus } from '../event-bus'
import type { ModelManager } from './model-manager'

/** Model downloads running in the background, one per model, reported as `models.download` events. */
export class ModelDownloads {
  private readonly running = new Map<string, AbortController>()

  constructor(
    private readonly models: ModelManager,
    private readonly events: EventBus,
    private readonly baseUrl: () => string | null,
  ) {}

  start(name: string): boolean {
    if (this.running.has(name)) return false
    const ac = new AbortController()
    this.running.set(name, ac)
    const base = { name, receivedBytes: 0, totalBytes: null, bytesPerSec: 0, etaSec: null, error: null }
    void this.models
      .download(name, {
        baseUrl: this.baseUrl() ?? undefined,
        signal: ac.signal,
        onProgress: (p) => this.events.emit('models.download', { ...base, ...p, status: 'running' }),
      })
      .then(
        () => this.events.emit('models.download', { ...base, status: 'done' }),
        (err: unknown) =>
          this.events.emit('models.download', {
            ...base,
            status: ac.signal.aborted ? 'cancelled' : 'failed',
            error: (err as Error).message,
            failure: toErrorShape(err),
          }),
      )
      .finally(() => this.running.delete(name))
    return true
  }

  cancel(name: string): boolean {
    const ac = this.running.get(name)
    ac?.abort()
    return Boolean(ac)
  }

  cancelAll(): void {
    for (const ac of this.running.values()) ac.abort()
  }
}
