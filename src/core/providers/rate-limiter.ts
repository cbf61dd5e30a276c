/**
 * Requests-per-minute limiter, one sliding window per provider/model, shared by every
 * enhancement in the process. A 429's retry hint pauses the whole key, not only the caller.
 */
export class RateLimiter {
  private windows = new Map<string, number[]>()
  private pausedUntil = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(key: string, rpm: number | null, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const t = this.now()
      const wait = Math.max(this.pauseLeft(key, t), rpm ? this.windowWait(key, rpm, t) : 0)
      if (wait <= 0) {
        if (rpm) this.windows.get(key)!.push(t)
        return
      }
      await sleep(wait, signal)
    }
  }

  pause(key: string, ms: number): void {
    this.pausedUntil.set(key, Math.max(this.pausedUntil.get(key) ?? 0, this.now() + ms))
  }

  private pauseLeft(key: string, t: number): number {
    return (this.pausedUntil.get(key) ?? 0) - t
  }

  private windowWait(key: string, rpm: number, t: number): number {
    const recent = (this.windows.get(key) ?? []).filter((x) => t - x < 60_000)
    this.windows.set(key, recent)
    return recent.length < rpm ? 0 : recent[0]! + 60_000 - t
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
