// npm run bench:enhance — ratios against baselines measured in the same run, never absolute claims.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { openCore } from '../src/core/app-core'
import { createLlmClient } from '../src/core/providers/llm-client'
import { envFor, TEST_KEY } from '../tests/helpers/enhance-env'
import { startFakeLlmServer } from '../tests/helpers/fake-llm-server'
import { printTable } from './table'

const WORDS = 20_000 // about two hours of speech
const words = ['so', 'today', 'we', 'talked', 'about', 'the', 'release', 'plan', 'and', 'the', 'budget', 'for', 'next', 'year']
const transcript = Array.from({ length: WORDS }, (_, i) => words[i % words.length] + ((i + 1) % 12 === 0 ? '.' : '')).join(' ')

async function timeEnhance(concurrency: number, serverUrlEnv: NodeJS.ProcessEnv): Promise<{ ms: number; chunks: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-'))
  try {
    const core = await openCore({ dataDir: dir, shell: 'cli', version: 'bench', systemLocale: 'en', env: serverUrlEnv })
    await core.store.mutate((db) => {
      db.settings.enhanceConcurrency = concurrency
      db.settings.groqTier = 'developer' // the bench measures our code, not the free tier's 30 rpm
    })
    const t0 = performance.now()
    const r = await core.enhance.run({ text: transcript, provider: 'groq', modelId: 'llama-3.1-8b-instant', preset: 'cleanup' })
    return { ms: performance.now() - t0, chunks: r.stats.chunks }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A transcript of about `chars` characters, in sentences. */
function textOf(chars: number): string {
  const out: string[] = []
  for (let i = 0, n = 0; n < chars; i++) {
    const w = words[i % words.length]! + ((i + 1) % 12 === 0 ? '.' : '')
    out.push(w)
    n += w.length + 1
  }
  return out.join(' ')
}

/**
 * One enhancement the way the app runs it (enhance.start, then events), with a subscriber that
 * serialises every event as the web host's SSE does. Reports wall time and the longest the event
 * loop was blocked meanwhile (what other calls to the same process would wait).
 */
async function timeScaled(text: string, env: NodeJS.ProcessEnv): Promise<{ ms: number; maxBlockMs: number; events: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-'))
  try {
    const core = await openCore({ dataDir: dir, shell: 'cli', version: 'bench', systemLocale: 'en', env })
    let events = 0
    let finish: () => void = () => undefined
    const finished = new Promise<void>((r) => (finish = r))
    core.events.subscribe((name, payload) => {
      events++
      JSON.stringify(payload)
      if (name === 'enhance.finished') finish()
    })
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const t0 = performance.now()
    await core.enhance.start({ text, provider: 'openai', modelId: 'gpt-4o-mini', preset: 'cleanup' })
    await finished
    const ms = performance.now() - t0
    loop.disable()
    return { ms, maxBlockMs: loop.max / 1e6, events }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main() {
  // Cost against size: 1× and 4× the text, same server, same run (linear ≈ 4×).
  const unscaled = await startFakeLlmServer({ apiKey: TEST_KEY })
  const base = textOf(256 * 1024)
  await timeScaled(textOf(16 * 1024), envFor(unscaled)) // warm up
  const one = await timeScaled(base, envFor(unscaled))
  const four = await timeScaled(textOf(4 * 256 * 1024), envFor(unscaled))
  await unscaled.close()
  printTable('Enhancement cost against transcript size (local test server, no streaming delay)', [
    ['measure', '1× (256 KiB)', '4× (1 MiB)', 'ratio (linear ≈ 4×)'],
    ['wall time', `${(one.ms / 1000).toFixed(2)} s`, `${(four.ms / 1000).toFixed(2)} s`, `${(four.ms / one.ms).toFixed(2)}×`],
    [
      'longest event-loop block',
      `${one.maxBlockMs.toFixed(0)} ms`,
      `${four.maxBlockMs.toFixed(0)} ms`,
      `${(four.maxBlockMs / one.maxBlockMs).toFixed(2)}×`,
    ],
    ['events emitted', String(one.events), String(four.events), `${(four.events / one.events).toFixed(2)}×`],
  ])

  // A fixed streaming rate: 2 ms per piece of 4 words.
  const slow = await startFakeLlmServer({ apiKey: TEST_KEY, tokenDelayMs: 2, wordsPerChunk: 4 })
  const sequential = await timeEnhance(1, envFor(slow))
  const concurrent = await timeEnhance(3, envFor(slow))
  await slow.close()

  // Per-request overhead: the SDK client path vs a raw fetch reading the same SSE stream.
  const fast = await startFakeLlmServer({ apiKey: TEST_KEY })
  const N = 200
  const body = JSON.stringify({
    model: 'm',
    stream: true,
    messages: [{ role: 'user', content: '<transcript>\nshort text here.\n</transcript>' }],
  })
  const raw = async () => {
    const res = await fetch(`${fast.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body,
    })
    await res.text()
  }
  const client = createLlmClient({ provider: 'groq', baseURL: fast.url, apiKey: TEST_KEY })
  const viaClient = () =>
    client.stream({
      modelId: 'm',
      api: 'chat',
      system: 's',
      user: '<transcript>\nshort text here.\n</transcript>',
      signal: new AbortController().signal,
      onDelta: () => undefined,
    })
  const timeN = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await fn() // warm up
    const t0 = performance.now()
    for (let i = 0; i < N; i++) await fn()
    return (performance.now() - t0) / N
  }
  const rawMs = await timeN(raw)
  const clientMs = await timeN(viaClient)
  await fast.close()

  printTable('Enhancement (local test server, fixed streaming rate)', [
    ['measure', 'baseline', 'app', 'ratio'],
    [
      `${WORDS} words, ${concurrent.chunks} chunks: wall time (sequential → 3 concurrent)`,
      `${(sequential.ms / 1000).toFixed(2)} s`,
      `${(concurrent.ms / 1000).toFixed(2)} s`,
      `${(concurrent.ms / sequential.ms).toFixed(2)}×`,
    ],
    [
      `one streamed request, mean of ${N} (raw fetch → SDK client)`,
      `${rawMs.toFixed(2)} ms`,
      `${clientMs.toFixed(2)} ms`,
      `${(clientMs / rawMs).toFixed(2)}× (+${(clientMs - rawMs).toFixed(2)} ms)`,
    ],
  ])
}

await main()
