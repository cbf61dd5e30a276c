import { toErrorShape, type AppErrorShape } from '../../shared/errors'
import type { DownloadProgress } from './resumable-download'

/** How a background download ended (or how far it is): what its owner reports as an event. */
export type DownloadOutcome =
  | { status: 'running'; progress: DownloadProgress }
  | { status: 'done' }
  | { status: 'cancelled' | 'failed'; error: string; failure: AppErrorShape }

/**
 * Downloads running in the background, one per name: started once (a second start of the same
 * name is refused), cancelled by name or all at once, each end reported once.
 */
export class BackgroundDownloads {
  private readonly running = new Map<string, AbortController>()

  /** false when `name` is already downloading */
  start(
    name: string,
    run: (signal: AbortSignal, onProgress: (p: DownloadProgress) => void) => Promise<unknown>,
    report: (o: DownloadOutcome) => void,
  ): boolean {
    if (this.running.has(name)) return false
    const ac = new AbortController()
    this.running.set(name, ac)
    void run(ac.signal, (progress) => report({ status: 'running', progress }))
      .then(
        () => report({ status: 'done' }),
        (err: unknown) =>
          report({
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
