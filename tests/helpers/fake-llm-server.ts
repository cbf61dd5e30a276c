import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** A scripted behaviour for the next matching request. */
export interface Fault {
  /** only requests for this model consume the fault */
  model?: string
  status?: number
  headers?: Record<string, string>
  body?: unknown
  /** stream this many content chunks, then drop the connection */
  cutAfterChunks?: number
  /** stream this many content chunks, then send `data: {"error": streamError}` and end */
  errorAfterChunks?: number
  streamError?: Record<string, unknown>
  /** sent as the stream's first data event, before any content (an odd chunk from a broken server) */
  oddChunk?: unknown
  firstTokenDelayMs?: number
  /** hold the answer until this settles (a request kept in flight while a test acts) */
  holdUntil?: Promise<unknown>
}

export interface RecordedRequest {
  path: string
  model: string
  authorization: string | undefined
  body: Record<string, unknown>
}

export interface FakeLlmServer {
  /** root URL, e.g. http://127.0.0.1:1234 — the server answers under any prefix (/v1, /openai/v1, …) */
  url: string
  requests: RecordedRequest[]
  fail: (fault: Fault) => void
  close: () => Promise<void>
}

export interface FakeLlmOptions {
  models?: string[]
  apiKey?: string
  /** delay between streamed chunks; the stream's rate is words per (1000 / tokenDelayMs) s */
  tokenDelayMs?: number
  wordsPerChunk?: number
  /** the model's output limit, in words: a longer answer stops there with finish_reason "length" */
  maxOutputWords?: number
  /** send no usage at all, as some servers do: the client has to estimate the tokens */
  noUsage?: boolean
}

// the data block's tag may carry a per-request random suffix: <transcript-7f3a…>
const TRANSCRIPT = /<(transcript[\w-]*)>\n?([\s\S]*?)\n?<\/\1>/

/**
 * A local OpenAI-compatible server for tests and benchmarks. Its answer is deterministic: the
 * text between <transcript> tags, upper-cased, streamed word by word, so callers can check that
 * chunks were merged in order. Usage counts words (output) and characters / 4 (input).
 */
export async function startFakeLlmServer(opts: FakeLlmOptions = {}): Promise<FakeLlmServer> {
  const requests: RecordedRequest[] = []
  const faults: Fault[] = []
  const models = opts.models ?? ['local-llama', 'local-qwen']
  const delay = (ms: number) => new Promise((r) => setTimeout(r, ms))

  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c.toString()))
    req.on('end', () => void handle(req, res, raw).catch(() => res.destroy()))
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    const path = (req.url ?? '').split('?')[0]!
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {}
    const model = String(body.model ?? '')
    requests.push({ path, model, authorization: req.headers.authorization, body })
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return json(res, 401, { error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' } })
    }
    if (path.endsWith('/models'))
      return json(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', owned_by: 'test' })) })

    const i = faults.findIndex((f) => !f.model || f.model === model)
    const fault = i >= 0 ? faults.splice(i, 1)[0] : undefined
    if (fault?.status)
      return json(res, fault.status, fault.body ?? { error: { message: `scripted ${fault.status}` } }, fault.headers)

    const input = path.endsWith('/responses') ? String(body.input ?? '') : lastUser(body)
    const source = TRANSCRIPT.exec(input)?.[2] ?? input
    const words = source
      .toUpperCase()
      .split(/(\s+)/)
      .filter((w) => w !== '')
    let truncated = false
    if (opts.maxOutputWords !== undefined) {
      const limit = opts.maxOutputWords * 2 // words and the spaces between them
      truncated = words.length > limit
      words.splice(limit)
    }
    const perChunk = opts.wordsPerChunk ?? 4
    const pieces: string[] = []
    for (let k = 0; k < words.length; k += perChunk * 2) pieces.push(words.slice(k, k + perChunk * 2).join(''))
    const usage = { input: Math.ceil(input.length / 4), output: Math.max(1, Math.ceil(words.length / 2)) }

    if (body.stream !== true) {
      return json(res, 200, {
        id: 'cmpl-1',
        object: 'chat.completion',
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: pieces.join('') }, finish_reason: 'stop' }],
        usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
      })
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-ratelimit-remaining-requests': '99',
    })
    res.flushHeaders()
    if (fault?.firstTokenDelayMs) await delay(fault.firstTokenDelayMs)
    if (fault?.holdUntil) await fault.holdUntil
    const send = (data: unknown, event?: string) =>
      res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`)
    const responses = path.endsWith('/responses')
    if (fault?.oddChunk !== undefined) send(fault.oddChunk)
    for (let k = 0; k < pieces.length; k++) {
      if (fault?.errorAfterChunks !== undefined && k >= fault.errorAfterChunks) {
        send({ error: fault.streamError ?? { message: 'scripted stream error' } })
        return void res.end()
      }
      if (fault?.cutAfterChunks !== undefined && k >= fault.cutAfterChunks) {
        await delay(30) // let what was sent reach the client, as on a real dropped connection
        res.socket?.destroy()
        return
      }
      if (responses)
        send(
          {
            type: 'response.output_text.delta',
            item_id: 'msg_1',
            output_index: 0,
            content_index: 0,
            delta: pieces[k],
            sequence_number: k + 1,
          },
          'response.output_text.delta',
        )
      else
        send({
          id: 'c1',
          object: 'chat.completion.chunk',
          model,
          choices: [{ index: 0, delta: { content: pieces[k] }, finish_reason: null }],
        })
      if (opts.tokenDelayMs) await delay(opts.tokenDelayMs)
    }
    if (responses) {
      send(
        {
          type: truncated ? 'response.incomplete' : 'response.completed',
          sequence_number: pieces.length + 1,
          response: {
            id: 'resp_1',
            object: 'response',
            status: truncated ? 'incomplete' : 'completed',
            ...(truncated ? { incomplete_details: { reason: 'max_output_tokens' } } : {}),
            model,
            output: [],
            usage: { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output },
          },
        },
        truncated ? 'response.incomplete' : 'response.completed',
      )
    } else {
      send({
        id: 'c1',
        object: 'chat.completion.chunk',
        model,
        choices: [{ index: 0, delta: {}, finish_reason: truncated ? 'length' : 'stop' }],
      })
      if (!opts.noUsage)
        send({
          id: 'c1',
          object: 'chat.completion.chunk',
          model,
          choices: [],
          usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
        })
      res.write('data: [DONE]\n\n')
    }
    res.end()
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail: (f) => faults.push(f),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

function lastUser(body: Record<string, unknown>): string {
  const messages = (body.messages as { role: string; content: unknown }[] | undefined) ?? []
  const user = [...messages].reverse().find((m) => m.role === 'user')
  return typeof user?.content === 'string' ? user.content : ''
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}
