import { promises as fs } from 'node:fs'

export interface WriteFinishOptions {
  /** how long size and modification time must stay the same before a file counts as written */
  stableMs?: number
  /** how often files that are still settling are looked at */
  pollMs?: number
}

/**
 * Write-finish detection: a file is handed on only once its size and modification time have
 * not changed for `stableMs` (a copy or a download in progress keeps growing). An empty file
 * waits (a copy that has just begun); a file that disappears is dropped.
 */
export class WriteFinishGate {
  private readonly pending = new Map<string, { size: number; mtimeMs: number; since: number }>()
  private timer: NodeJS.Timeout | null = null
  private checking = false
  private readonly stableMs: number
  private readonly pollMs: number

  constructor(
    private readonly onSettled: (file: string) => void,
    opts: WriteFinishOptions = {},
  ) {
    this.stableMs = opts.stableMs ?? 2_000
    this.pollMs = opts.pollMs ?? Math.max(50, Math.min(500, Math.round(this.stableMs / 4)))
  }

  /** Something happened to `file` (added, changed): watch it settle from now on. */
  touch(file: string): void {
    this.pending.set(file, { size: -1, mtimeMs: -1, since: Date.now() })
    this.timer ??= setInterval(() => void this.check(), this.pollMs)
  }

  get waiting(): number {
    return this.pending.size
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.pending.clear()
  }

  private async check(): Promise<void> {
    if (this.checking) return
    this.checking = true
    try {
      for (const [file, seen] of [...this.pending]) {
        const s = await fs.stat(file).catch(() => null)
        if (!this.pending.has(file)) continue
        if (!s?.isFile()) {
          this.pending.delete(file)
          continue
        }
        const now = Date.now()
        if (s.size !== seen.size || s.mtimeMs !== seen.mtimeMs || s.size === 0) {
          this.pending.set(file, { size: s.size, mtimeMs: s.mtimeMs, since: now })
          continue
        }
        if (now - seen.since >= this.stableMs) {
          this.pending.delete(file)
          this.onSettled(file)
        }
      }
    } finally {
      this.checking = false
      if (this.pending.size === 0 && this.timer) {
        clearInterval(this.timer)
        this.timer = null
      }
    }
  }
}
