import type { ModelDownloadEvent } from '../../shared/model-download'
import { toErrorShape } from '../../shared/errors'
import type { DownloadProgress } from './resumable-download'

/**
 * Downloads running in the background, one per name: started once (a second start of the same
 * name is refused), cancelled by name or all at once, reported as whole events — the last amount
 * received is kept into the report of how it ended.
 */
export class BackgroundDownloads {
  private readonly running = new Map<string, AbortController>()

  /** false when `name` is already downloading */
  start(
    name: string,
    run: (signal: AbortSignal, onProgress: (p: DownloadProgress) => void) => Promise<unknown>,
    report: (e: ModelDownloadEvent) => void,
  ): boolean {
    if (this.running.has(name)) return false
    const ac = new AbortController()
    this.running.set(name, ac)
    let last: DownloadProgress = { receivedBytes: 0, totalBytes: null, bytesPerSec: 0, etaSec: null }
    const onProgress = (p: DownloadProgress) => {
      last = { receivedBytes: p.receivedBytes, totalBytes: p.totalBytes, bytesPerSec: p.bytesPerSec, etaSec: p.etaSec }
      report({ name, status: 'running', ...last, error: null })
    }
    void run(ac.signal, onProgress)
      .then(
        () => report({ name, status: 'done', ...last, bytesPerSec: 0, etaSec: null, error: null }),
        (err: unknown) =>
          report({
            name,
            status: ac.signal.aborted ? 'cancelled' : 'failed',
            ...last,
            bytesPerSec: 0,
            etaSec: null,
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
