import Groq from 'groq-sdk'
import OpenAI from 'openai'
import { providers } from '../../shared/providers'
import type { ProviderId } from '../../shared/catalog-types'
import type { Usage } from '../../shared/enhance-types'
import { estimateTokens } from './token-estimate'
import { classify, ProviderFailure } from './provider-errors'

export interface StreamRequest {
  modelId: string
  api: 'chat' | 'responses'
  system: string
  user: string
  signal: AbortSignal
  onDelta: (text: string) => void
}

export interface StreamResult {
  text: string
  usage: Usage
  /** ms from sending the request to the first visible token */
  ttftMs: number | null
  durationMs: number
  /** the provider reported no output tokens: `usage.outputTokens` was counted from characters */
  usageEstimated?: boolean
}

export interface LlmClient {
  stream(req: StreamRequest): Promise<StreamResult>
  listModels(signal?: AbortSignal): Promise<string[]>
}

export interface ClientConfig {
  provider: ProviderId
  baseURL: string
  apiKey: string | null
  timeoutMs?: number
}

/**
 * One client per provider through its own SDK: Groq through groq-sdk, everything else through
 * openai (Together, Gemini and local servers at their OpenAI-compatible base URLs). SDK retries
 * are off: retries, backoff and rate limits are ours, so they can honour the provider's hints.
 */
export function createLlmClient(cfg: ClientConfig): LlmClient {
  const common = { baseURL: cfg.baseURL, maxRetries: 0, timeout: cfg.timeoutMs ?? 120_000, fetch: errorArraysUnwrapped }
  // A local server may need no key, but both SDKs insist on one being present.
  const apiKey = cfg.apiKey ?? 'no-key'
  if (providers[cfg.provider].sdk === 'groq-sdk') {
    const groq = new Groq({ ...common, apiKey })
    return {
      stream: (req) =>
        run(
          cfg,
          req,
          async () =>
            groq.chat.completions.create(
              { model: req.modelId, messages: messages(req), stream: true },
              { signal: req.signal },
            ) as unknown as Promise<AsyncIterable<unknown>>,
        ),
      listModels: async (signal) => ((await groq.models.list({ signal })).data ?? []).map((m) => m.id),
    }
  }
  const openai = new OpenAI({ ...common, apiKey })
  return {
    stream: (req) =>
      run(cfg, req, async () =>
        req.api === 'responses'
          ? ((await openai.responses.create(
              { model: req.modelId, instructions: req.system, input: req.user, stream: true },
              { signal: req.signal },
            )) as unknown as AsyncIterable<unknown>)
          : ((await openai.chat.completions.create(
              { model: req.modelId, messages: messages(req), stream: true, stream_options: { include_usage: true } },
              { signal: req.signal },
            )) as unknown as AsyncIterable<unknown>),
      ),
    listModels: async (signal) => {
      const ids: string[] = []
      for await (const m of openai.models.list({ signal })) ids.push(m.id)
      return ids
    },
  }
}

/**
 * Gemini answers an error as a JSON array of one error (`[{"error":{…,"details":[{"retryDelay":
 * "20s"}]}}]`); the SDKs read only an object and would drop the body, and with it the wait the
 * provider asks for. An error reply that is such an array is handed to the SDK as its one object.
 */
const errorArraysUnwrapped: typeof fetch = async (input, init) => {
  const res = await fetch(input, init)
  if (res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return res
  const text = await res.text()
  let body = text
  try {
    const v: unknown = JSON.parse(text)
    if (Array.isArray(v) && v.length > 0 && typeof v[0] === 'object' && v[0] !== null) body = JSON.stringify(v[0])
  } catch {
    // not JSON after all: the SDK says so with the text as it came
  }
  const headers = new Headers(res.headers)
  // the body is already decoded, and may be shorter now
  headers.delete('content-length')
  headers.delete('content-encoding')
  return new Response(body, { status: res.status, statusText: res.statusText, headers })
}

function messages(req: StreamRequest) {
  return [
    { role: 'system' as const, content: req.system },
    { role: 'user' as const, content: req.user },
  ]
}

type Chunk = {
  type?: string
  delta?: string
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[]
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null
  x_groq?: { usage?: { prompt_tokens?: number; completion_tokens?: number } | null }
  response?: {
    usage?: { input_tokens?: number; output_tokens?: number } | null
    error?: { message?: string } | null
    incomplete_details?: { reason?: string } | null
  }
}

/** Drive one streamed call; a stream that ends without its final event is a cut, not a result. */
async function run(cfg: ClientConfig, req: StreamRequest, open: () => Promise<AsyncIterable<unknown>>): Promise<StreamResult> {
  const started = performance.now()
  let text = ''
  let ttftMs: number | null = null
  let finished = false
  /** the model stopped at its output limit: the answer is not all there */
  let cutAtLimit = false
  const usage: Usage = { inputTokens: 0, outputTokens: 0 }
  try {
    const stream = await open()
    for await (const raw of stream) {
      const c = raw as Chunk
      let piece = ''
      if (c.type !== undefined && c.type.startsWith('response.')) {
        if (c.type === 'response.output_text.delta') piece = c.delta ?? ''
        if (c.type === 'response.completed' || c.type === 'response.incomplete') {
          finished = true
          if (c.type === 'response.incomplete') cutAtLimit = c.response?.incomplete_details?.reason !== 'content_filter'
          usage.inputTokens = c.response?.usage?.input_tokens ?? 0
          usage.outputTokens = c.response?.usage?.output_tokens ?? 0
        }
        if (c.type === 'response.failed' || c.type === 'error') {
          throw new ProviderFailure('server', `The model failed mid-answer: ${c.response?.error?.message ?? 'no reason given'}`)
        }
      } else {
        const choice = c.choices?.[0]
        piece = choice?.delta?.content ?? ''
        if (choice?.finish_reason) finished = true
        if (choice?.finish_reason === 'length') cutAtLimit = true
        const u = c.usage ?? c.x_groq?.usage
        if (u) {
          usage.inputTokens = u.prompt_tokens ?? usage.inputTokens
          usage.outputTokens = u.completion_tokens ?? usage.outputTokens
        }
      }
      if (piece) {
        if (ttftMs === null) ttftMs = performance.now() - started
        text += piece
        req.onDelta(piece)
      }
    }
  } catch (err) {
    if (req.signal.aborted) throw new ProviderFailure('cancelled', 'Cancelled')
    const failure = classify(err, cfg.provider, req.modelId)
    // A connection lost after text arrived is a cut stream: retry it, never keep the half.
    if (failure.kind === 'network' && text)
      throw new ProviderFailure('stream-cut', 'The answer stopped mid-way (connection lost).')
    throw failure
  }
  // An aborted SDK stream can simply end: that is a cancel, not a cut.
  if (req.signal.aborted) throw new ProviderFailure('cancelled', 'Cancelled')
  if (!finished) throw new ProviderFailure('stream-cut', 'The answer stopped mid-way (the stream ended without finishing).')
  if (cutAtLimit)
    throw new ProviderFailure('truncated', `The answer of ${req.modelId} reached the model's output limit and was cut off.`)
  const usageEstimated = usage.outputTokens === 0
  if (usageEstimated) usage.outputTokens = estimateTokens(text)
  return { text, usage, ttftMs, durationMs: performance.now() - started, usageEstimated }
}
