// npm run bench:enhance — ratios against baselines measured in the same run, never absolute claims.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
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

async function main() {
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
