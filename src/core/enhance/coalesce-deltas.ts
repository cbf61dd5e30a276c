export interface Delta {
  chunk: number
  phase: 'map' | 'reduce'
  text: string
  reset: boolean
}

/** How often streamed text goes out as events: smooth to read, and few enough to cost nothing. */
export const DELTA_INTERVAL_MS = 50

/**
 * Gathers streamed tokens per part and hands them on at most every `intervalMs`, as one delta per
 * part. A provider can stream hundreds of tokens a second per part, several parts at once; one
 * event each (serialised for IPC or SSE, re-rendered by the page) would keep the process busy
 * for the whole run. A reset drops what that part had pending and goes out at once, so readers
 * see the same text they would have seen token by token. `flush()` before any event that must
 * come after the text (progress, finished).
 */
export function coalesceDeltas(emit: (d: Delta) => void, intervalMs = DELTA_INTERVAL_MS) {
  const pending = new Map<string, { chunk: number; phase: Delta['phase']; pieces: string[] }>()
  let timer: NodeJS.Timeout | null = null

  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = null
    for (const p of pending.values()) emit({ chunk: p.chunk, phase: p.phase, text: p.pieces.join(''), reset: false })
    pending.clear()
  }

  const push = (d: Delta) => {
    const key = `${d.phase}:${d.chunk}`
    if (d.reset) {
      pending.delete(key)
      emit(d)
      return
    }
    if (!d.text) return
    let p = pending.get(key)
    if (!p) pending.set(key, (p = { chunk: d.chunk, phase: d.phase, pieces: [] }))
    p.pieces.push(d.text)
    if (!timer) {
      timer = setTimeout(flush, intervalMs)
      // pending text must never keep a finished process alive; the run's end flushes it anyway
      timer.unref()
    }
  }

  return { push, flush }
}
