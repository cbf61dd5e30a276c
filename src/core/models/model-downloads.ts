import type { EventBus } from '../event-bus'
import { BackgroundDownloads } from './background-downloads'
import type { ModelManager } from './model-manager'

/** Model downloads running in the background, one per model, reported as `models.download` events. */
export class ModelDownloads {
  private readonly running = new BackgroundDownloads()

  constructor(
    private readonly models: ModelManager,
    private readonly events: EventBus,
    private readonly baseUrl: () => string | null,
  ) {}

  start(name: string): boolean {
    return this.running.start(
      name,
      (signal, onProgress) => this.models.download(name, { baseUrl: this.baseUrl() ?? undefined, signal, onProgress }),
      (e) => this.events.emit('models.download', e),
    )
  }

  cancel(name: string): boolean {
    return this.running.cancel(name)
  }

  cancelAll(): void {
    this.running.cancelAll()
  }
}
