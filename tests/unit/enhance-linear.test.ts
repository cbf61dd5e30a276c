import { describe, expect, it, vi } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { chunkBudget, splitIntoChunks } from '../../src/core/enhance/chunking'
import { coalesceDeltas, type Delta } from '../../src/core/enhance/coalesce-deltas'
import { dispatch } from '../../src/shared/dispatch'
import type { EventPayload } from '../../src/shared/contract'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { useFakeLlmServer } from '../helpers/use-fake-llm-server'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const llm = useFakeLlmServer({ apiKey: TEST_KEY })

async function core(): Promise<Core> {
  return openCore({
    dataDir: tempDir(),
    shell: 'cli',
    version: 't',
    systemLocale: 'en',
    env: envFor(llm()),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  })
}

const words = ['so', 'today', 'we', 'talked', 'about', 'the', 'release', 'plan', 'and', 'budget']
const transcript = (chars: number) => {
  const out: string[] = []
  let n = 0
  for (let i = 0; n < chars; i++) {
    const w = words[i % words.length]! + ((i + 1) % 12 === 0 ? '.' : '')
    out.push(w)
    n += w.length + 1
  }
  return out.join(' ')
}

/**
 * Work done, counted rather than timed: the characters every Array#join produced while `fn` ran
 * (the SDKs' own joins included). Joining the whole output again per streamed token — the
 * quadratic pattern — shows up here as characters joined growing with the square of the text.
 */
async function charsJoined<T>(fn: () => Promise<T>): Promise<{ value: T; chars: number }> {
  const original = Array.prototype.join
  let chars = 0
  Array.prototype.join = function (this: unknown[], sep?: string): string {
    const s = original.call(this, sep)
    chars += s.length
    return s
  }
  try {
    const value = await fn()
    return { value, chars }
  } finally {
    Array.prototype.join = original
  }
}

/** One enhancement the way the app runs it: enhance.start through dispatch, the rest as events. */
async function runThroughEvents(c: Core, text: string) {
  const deltas: EventPayload<'enhance.delta'>[] = []
  let done: (p: EventPayload<'enhance.finished'>) => void = () => undefined
  const finished = new Promise<EventPayload<'enhance.finished'>>((r) => (done = r))
  const off = c.events.subscribe((name, p) => {
    if (name === 'enhance.delta') deltas.push(p as EventPayload<'enhance.delta'>)
    if (name === 'enhance.finished') done(p as EventPayload<'enhance.finished'>)
  })
  try {
    const started = await dispatch(c.handlers, 'enhance.start', {
      text,
      provider: 'openai',
      modelId: 'gpt-4o-mini',
      preset: 'cleanup',
    })
    expect(started.ok).toBe(true)
    return { finished: await finished, deltas }
  } finally {
    off()
  }
}

describe('enhancement cost grows linearly with the transcript', () => {
  it('4× the text costs about 4× the joining work, not 16×; the streamed deltas add up to the result', async () => {
    const c = await core()
    const small = transcript(40_000)
    const big = transcript(160_000)
    expect(splitIntoChunks(big, chunkBudget(128_000, 'cleanup')).length).toBeGreaterThan(4)
    const a = await charsJoined(() => runThroughEvents(c, small))
    const b = await charsJoined(() => runThroughEvents(c, big))
    for (const [run, text] of [
      [a.value, small],
      [b.value, big],
    ] as const) {
      expect(run.finished.error).toBeNull()
      expect(run.finished.status).toBe('done')
      expect(run.finished.result!.text.replace(/\s+/g, ' ')).toBe(text.toUpperCase())
      // what a page rebuilds from the deltas is the result, chunk by chunk
      const parts: string[][] = []
      for (const d of run.deltas) parts[d.chunk] = d.reset ? [] : [...(parts[d.chunk] ?? []), d.text]
      expect(parts.map((p) => p.join('')).join('\n\n')).toBe(run.finished.result!.text)
    }
    const ratio = b.chars / a.chars
    expect(ratio, `joined ${a.chars} → ${b.chars} characters`).toBeLessThan(6)
    // and in absolute terms: a small multiple of the text, never its square
    expect(b.chars).toBeLessThan(big.length * 20)
  })

  it('a run that fails part-way keeps what arrived, once, marked partial', async () => {
    const c = await core()
    await c.store.mutate((db) => {
      db.settings.enhanceConcurrency = 1
    })
    const text = transcript(60_000)
    const chunks = splitIntoChunks(text, chunkBudget(128_000, 'cleanup'))
    expect(chunks.length).toBeGreaterThan(1)
    llm().fail({ model: 'gpt-4o-mini' }) // the first part goes through as usual
    llm().fail({ model: 'gpt-4o-mini', status: 400, body: { error: { message: 'bad request' } } })
    const { finished } = await runThroughEvents(c, text)
    expect(finished.status).toBe('failed')
    const saved = await c.enhance.output(finished.id)
    expect(saved.partial).toBe(true)
    expect(saved.output.trim()).toBe(chunks[0]!.toUpperCase().trim())
    expect(c.credits.state().balance).toBe(1000)
  })
})

describe('streamed text goes out as a few events, not one per token', () => {
  it('gathers tokens per part until the interval, sends a reset at once, flushes on demand', () => {
    vi.useFakeTimers()
    try {
      const out: Delta[] = []
      const d = coalesceDeltas((x) => out.push(x), 50)
      for (let k = 0; k < 1000; k++) d.push({ chunk: k % 2, phase: 'map', text: `t${k} `, reset: false })
      expect(out).toHaveLength(0)
      vi.advanceTimersByTime(50)
      expect(out.map((x) => x.chunk)).toEqual([0, 1])
      expect(out[0]!.text.startsWith('t0 t2 t4 ')).toBe(true)
      d.push({ chunk: 0, phase: 'map', text: 'half', reset: false })
      d.push({ chunk: 1, phase: 'map', text: 'B', reset: false })
      d.push({ chunk: 0, phase: 'map', text: '', reset: true })
      // the reset goes out at once and the half it cancels never does
      expect(out.at(-1)).toEqual({ chunk: 0, phase: 'map', text: '', reset: true })
      d.push({ chunk: 0, phase: 'map', text: 'again', reset: false })
      d.flush()
      expect(out.slice(3)).toEqual([
        { chunk: 1, phase: 'map', text: 'B', reset: false },
        { chunk: 0, phase: 'map', text: 'again', reset: false },
      ])
      vi.advanceTimersByTime(500)
      expect(out).toHaveLength(5)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('chunking 5 MB', () => {
  it('loses nothing and keeps every chunk within the budget, whatever the shape of the text', () => {
    const shapes = {
      sentences: 'Word said something here. '.repeat(200_000),
      segmentLines: 'a short segment line\n'.repeat(240_000),
      noPunctuation: 'word '.repeat(1_000_000),
      noSpaces: 'x'.repeat(5_000_000),
      leadingSpaces: `${' '.repeat(5000)}${'y '.repeat(2_500_000)}`,
    }
    for (const [name, text] of Object.entries(shapes)) {
      const chunks = splitIntoChunks(text, 6000)
      expect(chunks.join('') === text, name).toBe(true)
      expect(Math.max(...chunks.map((c) => c.length)), name).toBeLessThanOrEqual(21_000)
    }
  })
})
