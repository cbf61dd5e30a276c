import { promises as fs } from 'node:fs'

export interface WriteFinishOptions {
  /** how long size and modification time must stay the same before a file counts as written */
  stableMs?: number
  /** how often files that are still settling are looked at */
  pollMs?: number
  /**
   * Once a file stands still: does it hold all it declares (a copy that stalls stands still
   * too)? Absent: standing still is enough.
   */
  whole?: (file: string) => Promise<boolean>
  /**
   * How long a file that stands still and is not whole is waited for before it is handed on
   * all the same (a damaged file never becomes whole: its job then says what is wrong with it).
   */
  giveUpMs?: number
}

interface Pending {
  size: number
  mtimeMs: number
  since: number
  /** since when it has stood still without being whole (null: not found so yet) */
  notWholeSince: number | null
}

/**
 * Write-finish detection: a file is handed on only once its size and modification time have
 * not changed for `stableMs` (a copy or a download in progress keeps growing) and, if asked,
 * it holds all it declares. An empty file waits (a copy that has just begun); a file that
 * disappears is dropped.
 */
export class WriteFinishGate {
  private readonly pending = new Map<string, Pending>()
  private timer: NodeJS.Timeout | null = null
  private checking = false
  private readonly stableMs: number
  private readonly pollMs: number
  private readonly giveUpMs: number

  constructor(
    private readonly onSettled: (file: string) => void,
    private readonly opts: WriteFinishOptions = {},
  ) {
    this.stableMs = opts.stableMs ?? 2_000
    this.pollMs = opts.pollMs ?? Math.max(50, Math.min(500, Math.round(this.stableMs / 4)))
    this.giveUpMs = opts.giveUpMs ?? 120_000
  }

  /** Something happened to `file` (added, changed): watch it settle from now on. */
  touch(file: string): void {
    this.pending.set(file, { size: -1, mtimeMs: -1, since: Date.now(), notWholeSince: null })
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
        if (this.pending.get(file) !== seen) continue
        if (!s?.isFile()) {
          this.pending.delete(file)
          continue
        }
        const now = Date.now()
        if (s.size !== seen.size || s.mtimeMs !== seen.mtimeMs || s.size === 0) {
          this.pending.set(file, { size: s.size, mtimeMs: s.mtimeMs, since: now, notWholeSince: null })
          continue
        }
        if (now - seen.since < this.stableMs) continue
        const givenUp = seen.notWholeSince !== null && now - seen.notWholeSince >= this.giveUpMs
        if (!givenUp && this.opts.whole && !(await this.opts.whole(file).catch(() => false))) {
          // looked at again after another settle time, unless it changes before
          if (this.pending.get(file) === seen)
            this.pending.set(file, { ...seen, since: Date.now(), notWholeSince: seen.notWholeSince ?? now })
          continue
        }
        // it may have moved on while it was being read
        const after = await fs.stat(file).catch(() => null)
        if (this.pending.get(file) !== seen || after?.size !== seen.size || after.mtimeMs !== seen.mtimeMs) continue
        this.pending.delete(file)
        this.onSettled(file)
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
