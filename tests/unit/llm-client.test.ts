import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLlmClient, type StreamRequest } from '../../src/core/providers/llm-client'
import type { ProviderFailure } from '../../src/core/providers/provider-errors'
import { classify, parseDuration, retryAfterFrom } from '../../src/core/providers/provider-errors'
import type { ProviderId } from '../../src/shared/catalog-types'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'

let server: FakeLlmServer
beforeAll(async () => {
  server = await startFakeLlmServer({ apiKey: 'sk-test-123456' })
})
afterAll(() => server.close())

// The path prefix each provider's SDK is pointed at, as a user would override it.
const base = (p: ProviderId) => (p === 'groq' ? server.url : p === 'gemini' ? `${server.url}/v1beta/openai/` : `${server.url}/v1`)
const client = (p: ProviderId, key = 'sk-test-123456') => createLlmClient({ provider: p, baseURL: base(p), apiKey: key })
const req = (over: Partial<StreamRequest> = {}): StreamRequest => ({
  modelId: 'm1',
  api: 'chat',
  system: 'sys',
  user: '<transcript>\nhello there general kenobi\n</transcript>',
  signal: new AbortController().signal,
  onDelta: () => undefined,
  ...over,
})

describe('provider clients through the real SDKs', () => {
  for (const p of ['groq', 'openai', 'together', 'gemini', 'custom'] as const) {
    it(`${p}: streams deltas, reports usage and time to first token`, async () => {
      const deltas: string[] = []
      const r = await client(p).stream(req({ modelId: `${p}-model`, onDelta: (d) => deltas.push(d) }))
      expect(r.text).toBe('HELLO THERE GENERAL KENOBI')
      expect(deltas.join('')).toBe(r.text)
      expect(deltas.length).toBeGreaterThan(0)
      expect(r.usage.outputTokens).toBeGreaterThan(0)
      expect(r.usage.inputTokens).toBeGreaterThan(0)
      expect(r.ttftMs).not.toBeNull()
      const last = server.requests.at(-1)!
      expect(last.path).toBe(
        p === 'groq'
          ? '/openai/v1/chat/completions'
          : p === 'gemini'
            ? '/v1beta/openai/chat/completions'
            : '/v1/chat/completions',
      )
      expect(last.authorization).toBe('Bearer sk-test-123456')
    })
  }

  it('uses the Responses API where the model needs it', async () => {
    const r = await client('openai').stream(req({ modelId: 'gpt-5-pro', api: 'responses' }))
    expect(r.text).toBe('HELLO THERE GENERAL KENOBI')
    expect(server.requests.at(-1)!.path).toBe('/v1/responses')
    expect(server.requests.at(-1)!.body.instructions).toBe('sys')
  })

  it('lists models', async () => {
    expect(await client('custom').listModels()).toEqual(['local-llama', 'local-qwen'])
    expect(await client('groq').listModels()).toEqual(['local-llama', 'local-qwen'])
  })

  it('maps 401, 404, 429, 503 and context errors', async () => {
    const fail = async (p: ProviderId, status: number, extra: object = {}) => {
      server.fail({ status, ...extra })
      return (await client(p)
        .stream(req())
        .catch((e: unknown) => e)) as ProviderFailure
    }
    const auth = (await client('groq', 'sk-wrong-key')
      .stream(req())
      .catch((e: unknown) => e)) as ProviderFailure
    expect(auth.kind).toBe('auth')
    expect(auth.message).toBe('Groq rejected the API key (HTTP 401). Check the key in Settings.')
    expect(auth.message).not.toContain('sk-wrong-key')
    expect((await fail('together', 404)).message).toBe(
      'm1 is no longer offered by Together AI. It is marked unavailable; pick another model.',
    )
    const rl = await fail('groq', 429, { headers: { 'retry-after': '2' } })
    expect([rl.kind, rl.retryAfterMs, rl.retryable]).toEqual(['rate-limited', 2000, true])
    const gem = await fail('gemini', 429, {
      body: {
        error: {
          code: 429,
          message: 'quota',
          status: 'RESOURCE_EXHAUSTED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.8s' }],
        },
      },
    })
    expect(gem.retryAfterMs).toBe(45_800)
    expect((await fail('together', 503)).kind).toBe('overloaded')
    expect((await fail('openai', 500)).kind).toBe('server')
    const ctx = await fail('openai', 400, { body: { error: { message: "This model's maximum context length is 8192 tokens" } } })
    expect(ctx.kind).toBe('context-too-long')
  })

  it('honours the retryDelay of Gemini’s real 429, a JSON array', async () => {
    server.fail({
      status: 429,
      body: [
        {
          error: {
            code: 429,
            message: 'You exceeded your current quota, please check your plan and billing details.',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
                violations: [{ quotaMetric: 'generate_content_free_tier_requests' }],
              },
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' },
            ],
          },
        },
      ],
    })
    const gem = (await client('gemini')
      .stream(req())
      .catch((e: unknown) => e)) as ProviderFailure
    expect([gem.kind, gem.retryAfterMs]).toEqual(['rate-limited', 20_000])
  })

  it('a Groq 429 on tokens waits the token reset, not the far longer request reset', async () => {
    server.fail({
      status: 429,
      headers: {
        'x-ratelimit-limit-requests': '14400',
        'x-ratelimit-remaining-requests': '14370',
        'x-ratelimit-reset-requests': '2m59.56s',
        'x-ratelimit-limit-tokens': '6000',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '7.66s',
      },
      body: {
        error: {
          message: 'Rate limit reached for model on tokens per minute (TPM)',
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
      },
    })
    const rl = (await client('groq')
      .stream(req())
      .catch((e: unknown) => e)) as ProviderFailure
    expect([rl.kind, rl.retryAfterMs]).toEqual(['rate-limited', 7660])
  })

  it('reports an error event in the middle of a stream as the provider’s error', async () => {
    for (const p of ['openai', 'groq'] as const) {
      server.fail({
        errorAfterChunks: 1,
        streamError: { message: 'The model is overloaded. Please try again later.', type: 'server_error' },
      })
      const user = `<transcript>\n${'one two three four five six seven eight nine ten '.repeat(3)}\n</transcript>`
      const err = (await client(p)
        .stream(req({ user }))
        .catch((e: unknown) => e)) as ProviderFailure
      expect(err.message, p).toContain('The model is overloaded. Please try again later.')
      expect(err.message, p).not.toMatch(/could not be reached|connection lost/)
      expect(err.kind, p).toBe('server')
    }
  })

  it('an answer it cannot read is said plainly: no internal text, not "could not be reached"', async () => {
    server.fail({ oddChunk: { type: 5, choices: 'many' } })
    const err = (await client('openai')
      .stream(req())
      .catch((e: unknown) => e)) as ProviderFailure
    expect(err.message).toMatch(/^OpenAI sent an answer that could not be read/)
    expect(err.message).not.toMatch(/could not be reached|is not a function|startsWith/)
    expect(err.retryable).toBe(false)
  })

  it('reports a stream cut mid-way, never a partial result', async () => {
    server.fail({ cutAfterChunks: 1 })
    const got: string[] = []
    const user = `<transcript>\n${'one two three four five six seven eight nine ten '.repeat(3)}\n</transcript>`
    const err = (await client('together')
      .stream(req({ user, onDelta: (d) => got.push(d) }))
      .catch((e: unknown) => e)) as ProviderFailure
    expect(err.kind).toBe('stream-cut')
    expect(err.retryable).toBe(true)
    expect(got.length).toBe(1)
  })

  it('is cancelled by its abort signal', async () => {
    const ac = new AbortController()
    server.fail({ firstTokenDelayMs: 2000 })
    const p = client('openai').stream(req({ signal: ac.signal }))
    setTimeout(() => ac.abort(), 100)
    const err = (await p.catch((e: unknown) => e)) as ProviderFailure
    expect(err.kind).toBe('cancelled')
  })
})

describe('retry hints', () => {
  it('parses provider durations', () => {
    expect(parseDuration('2m59.56s')).toBe(179_560)
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('3')).toBe(3000)
    expect(parseDuration('soon')).toBeUndefined()
    expect(retryAfterFrom({ 'x-ratelimit-reset-requests': '1.5s', 'x-ratelimit-reset-tokens': '7.66s' }, undefined)).toBe(7660)
    expect(retryAfterFrom(new Headers({ 'retry-after': '4' }), undefined)).toBe(4000)
  })

  it('waits for the Groq limit that ran out', () => {
    const groq = (remainingRequests: string, remainingTokens: string) => ({
      'x-ratelimit-reset-requests': '2m59.56s',
      'x-ratelimit-remaining-requests': remainingRequests,
      'x-ratelimit-reset-tokens': '7.66s',
      'x-ratelimit-remaining-tokens': remainingTokens,
    })
    expect(retryAfterFrom(groq('14370', '0'), undefined)).toBe(7660)
    expect(retryAfterFrom(groq('0', '5000'), undefined)).toBe(179_560)
    expect(retryAfterFrom(groq('0', '0'), undefined)).toBe(179_560)
    // tokens left, but fewer than the request needs
    expect(retryAfterFrom(groq('14370', '120'), undefined)).toBe(7660)
    expect(retryAfterFrom(undefined, [{ error: { details: [{ retryDelay: '20s' }] } }])).toBe(20_000)
  })

  it('never classifies an abort as retryable', () => {
    expect(classify(Object.assign(new Error('x'), { name: 'AbortError' }), 'groq', 'm').retryable).toBe(false)
  })
})
