/**
 * The built-in engine against the same GGUF behind a local OpenAI-compatible server, as the app
 * reaches Ollama / LM Studio / llama-server (provider "custom", through the openai SDK).
 *
 * `llama-server` is not installed on the build machine, so the server is a stand-in: node-llama-cpp
 * (the same engine build, same threads, same model, same token cap) behind a minimal
 * /v1/chat/completions SSE endpoint in a separate process (this file run with --serve). The ratio
 * therefore measures what the app's two paths add around one engine — worker thread and messages
 * versus HTTP, SSE and the SDK — not llama.cpp against itself. Both run in this same run.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { LocalLlmEngine } from '../src/core/local-llm/local-llm-engine'
import { createLlmClient } from '../src/core/providers/llm-client'
import { writeGgufModel } from '../tests/helpers/gguf-model'
import { printTable } from './table'

const MAX_TOKENS = 256
const CONTEXT = 2048
const THREADS = 1
const RUNS = 5
const SYSTEM = 'Clean up the transcript. Keep its language.'
const USER = 'bir iki üç dört beş altı yedi sekiz dokuz on. ve ile ama için gibi çok az daha en bu şu o.'

async function serve(modelPath: string): Promise<void> {
  const { getLlama, LlamaChatSession } = await import('node-llama-cpp')
  const llama = await getLlama({ gpu: 'auto', build: 'never' })
  const model = await llama.loadModel({ modelPath })
  const context = await model.createContext({ contextSize: CONTEXT, threads: THREADS, sequences: 1 })
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c))
    req.on('end', () => {
      void (async () => {
        const b = JSON.parse(body) as { messages: { role: string; content: string }[]; max_tokens?: number }
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`)
        const sequence = context.getSequence()
        const session = new LlamaChatSession({
          contextSequence: sequence,
          systemPrompt: b.messages.find((m) => m.role === 'system')?.content,
          autoDisposeSequence: false,
        })
        let out = 0
        await session.prompt(b.messages.find((m) => m.role === 'user')?.content ?? '', {
          maxTokens: b.max_tokens ?? MAX_TOKENS,
          temperature: 0.3,
          onTextChunk: (t) => send({ choices: [{ delta: { content: t }, finish_reason: null }] }),
          onToken: (t) => (out += t.length),
        })
        send({ choices: [{ delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 0, completion_tokens: out } })
        res.end('data: [DONE]\n\n')
        session.dispose({ disposeSequence: false })
        sequence.dispose()
      })()
    })
  })
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number }
    process.stdout.write(`${port}\n`)
  })
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-llm-'))
  // larger than the tests' model, so the engine's work is not lost in the overhead
  const modelPath = path.join(dir, 'bench.gguf')
  writeGgufModel(modelPath, { nEmbd: 256, nLayer: 4, nHead: 4, nFf: 512, contextLength: CONTEXT })
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve', modelPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (c: Buffer) => resolve(Number(String(c).trim())))
    child.once('exit', () => reject(new Error('the stand-in server did not start')))
  })
  const engine = new LocalLlmEngine({ threads: THREADS })
  const client = createLlmClient({ provider: 'custom', baseURL: `http://127.0.0.1:${port}/v1`, apiKey: null })

  const measure = async (fn: () => Promise<{ tokens: number; ttftMs: number | null }>) => {
    await fn() // warm-up: loads the model
    const rows: { ms: number; tokens: number; ttft: number }[] = []
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      const r = await fn()
      rows.push({ ms: performance.now() - t0, tokens: r.tokens, ttft: r.ttftMs ?? 0 })
    }
    const ms = rows.reduce((a, r) => a + r.ms, 0)
    const tokens = rows.reduce((a, r) => a + r.tokens, 0)
    return { tps: (tokens / ms) * 1000, msPerToken: ms / tokens, ttft: rows.reduce((a, r) => a + r.ttft, 0) / RUNS }
  }
  const builtin = await measure(async () => {
    const t0 = performance.now()
    let ttftMs: number | null = null
    const r = await engine.generate({
      modelPath,
      contextTokens: CONTEXT,
      system: SYSTEM,
      user: USER,
      maxTokens: MAX_TOKENS,
      signal: new AbortController().signal,
      onDelta: () => (ttftMs ??= performance.now() - t0),
    })
    return { tokens: r.outputTokens, ttftMs }
  })
  const server = await measure(async () => {
    const r = await client.stream({
      modelId: 'bench',
      api: 'chat',
      system: SYSTEM,
      user: USER,
      signal: new AbortController().signal,
      onDelta: () => undefined,
    })
    return { tokens: r.usage.outputTokens, ttftMs: r.ttftMs }
  })
  await engine.close()
  child.kill()
  rmSync(dir, { recursive: true, force: true })
  const f = (n: number) => n.toFixed(1)
  printTable(
    `Built-in engine vs the same GGUF behind an OpenAI-compatible server (${RUNS} runs × ${MAX_TOKENS} tokens, ${THREADS} thread)`,
    [
      ['path', 'tokens/s', 'ms/token', 'first token ms'],
      ['built-in (worker thread)', f(builtin.tps), f(builtin.msPerToken), f(builtin.ttft)],
      ['local server (HTTP + SSE + openai SDK)', f(server.tps), f(server.msPerToken), f(server.ttft)],
    ],
  )
  console.log(`\noverhead ratio (built-in ms/token ÷ server ms/token): ${(builtin.msPerToken / server.msPerToken).toFixed(2)}`)
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!)
else await main()
