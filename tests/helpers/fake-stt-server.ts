import { spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { ffmpegPath } from '../../src/core/media/ffmpeg-path'

/** A scripted answer for the next matching request instead of a transcript. */
export interface SttFault {
  status: number
  headers?: Record<string, string>
  body?: unknown
  /** sent as is instead of `body` as JSON (a garbage reply) */
  raw?: string
}

export interface SttRequestLog {
  path: string
  model: string
  authorization: string | undefined
  /** size of the uploaded file part, bytes */
  fileBytes: number
  fileName: string
  fileType: string
  responseFormat: string
  granularities: string[]
  language: string | null
  /** the audio's length, measured by decoding the upload with ffmpeg; null when not decoded */
  audioSec: number | null
  status: number
}

export interface FakeSttServer {
  /** root URL, e.g. http://127.0.0.1:1234; answers /v1/audio/transcriptions and /openai/v1/audio/transcriptions */
  url: string
  requests: SttRequestLog[]
  /** queue a fault: the next transcription request gets it */
  fail: (fault: SttFault) => void
  /** called as each transcription request arrives, before it is answered (a test may cancel here) */
  onRequest: (fn: ((log: SttRequestLog) => void) | null) => void
  /** hold every answer until this settles (a request kept in flight while a test acts) */
  hold: (until: Promise<unknown> | null) => void
  close: () => Promise<void>
}

export interface FakeSttOptions {
  /** when set, any other bearer token gets 401 */
  apiKey?: string
  /** 413 above this many bytes of file; Groq's free tier: 25 MB */
  maxFileBytes?: number
  /** one segment per this many seconds of audio */
  segmentSec?: number
}

/**
 * A local OpenAI-compatible speech-to-text server for tests. The multipart body is parsed with
 * undici's own parser (what `Request.formData()` uses), and the uploaded audio is decoded with
 * the bundled ffmpeg to learn its real length. The answer is verbose_json with one segment per
 * `segmentSec` of that audio, text "piece N segment M" (N counts the transcripts this server gave,
 * from 1; M from 1 within the piece), so tests can check order and continuity; with
 * `timestamp_granularities[]=word`, four words per segment, evenly spread.
 */
export async function startFakeSttServer(opts: FakeSttOptions = {}): Promise<FakeSttServer> {
  const requests: SttRequestLog[] = []
  const faults: SttFault[] = []
  const maxFileBytes = opts.maxFileBytes ?? 25_000_000
  const segmentSec = opts.segmentSec ?? 5
  let served = 0
  let listener: ((log: SttRequestLog) => void) | null = null
  let holdUntil: Promise<unknown> | null = null

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)).catch(() => res.destroy()))
  })

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer) {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (req.method !== 'POST' || !/^(\/openai)?\/v1\/audio\/transcriptions$/.test(url.pathname))
      return send(res, 404, { error: { message: `no route ${req.method} ${url.pathname}` } })
    const form = await new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: new Uint8Array(raw),
    }).formData()
    const file = form.get('file')
    const field = (n: string) => {
      const v = form.get(n)
      return typeof v === 'string' ? v : null
    }
    const log: SttRequestLog = {
      path: url.pathname,
      model: field('model') ?? '',
      authorization: req.headers.authorization,
      fileBytes: typeof file === 'object' && file ? file.size : 0,
      fileName: typeof file === 'object' && file ? file.name : '',
      fileType: typeof file === 'object' && file ? file.type : '',
      responseFormat: field('response_format') ?? 'json',
      granularities: [...form.getAll('timestamp_granularities[]'), ...form.getAll('timestamp_granularities')].map(String),
      language: field('language'),
      audioSec: null,
      status: 0,
    }
    requests.push(log)
    listener?.(log)
    if (holdUntil) await holdUntil.catch(() => undefined)
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      log.status = status
      send(res, status, body, headers)
    }
    if (opts.apiKey !== undefined && log.authorization !== `Bearer ${opts.apiKey}`)
      return answer(401, { error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' } })
    const fault = faults.shift()
    if (fault?.raw !== undefined) {
      log.status = fault.status
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
      return void res.end(fault.raw)
    }
    if (fault) return answer(fault.status, fault.body ?? { error: { message: `scripted ${fault.status}` } }, fault.headers)
    if (typeof file !== 'object' || !file) return answer(400, { error: { message: "the 'file' field is missing" } })
    if (!log.model) return answer(400, { error: { message: "the 'model' field is missing" } })
    if (file.size > maxFileBytes)
      return answer(413, { error: { message: `Request Entity Too Large: ${file.size} bytes, limit ${maxFileBytes}` } })
    const audioSec = await decodedSeconds(Buffer.from(await file.arrayBuffer()))
    if (audioSec === null) return answer(400, { error: { message: 'could not decode the audio file' } })
    log.audioSec = audioSec
    const n = ++served
    const segments = []
    for (let m = 1, t = 0; t < audioSec - 1e-6; m++, t += segmentSec) {
      const end = Math.min(audioSec, t + segmentSec)
      segments.push({ id: m - 1, seek: 0, start: t, end, text: ` piece ${n} segment ${m}`, temperature: 0, no_speech_prob: 0.01 })
    }
    const body: Record<string, unknown> = {
      task: 'transcribe',
      language: log.language ?? 'english',
      duration: audioSec,
      text: segments.map((s) => s.text).join(''),
      segments,
    }
    if (log.granularities.includes('word')) {
      body.words = segments.flatMap((s) => {
        const parts = s.text.trim().split(' ')
        const step = (s.end - s.start) / parts.length
        return parts.map((word, i) => ({ word, start: s.start + i * step, end: s.start + (i + 1) * step }))
      })
    }
    answer(200, body)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail: (f) => void faults.push(f),
    onRequest: (fn) => void (listener = fn),
    hold: (p) => void (holdUntil = p),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Decode any audio file with the bundled ffmpeg; its length from the 16 kHz mono samples out. */
function decodedSeconds(audio: Buffer): Promise<number | null> {
  return new Promise((resolve) => {
    const p = spawn(
      ffmpegPath(),
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-protocol_whitelist',
        'pipe',
        '-i',
        'pipe:0',
        '-ac',
        '1',
        '-ar',
        '16000',
        '-f',
        's16le',
        'pipe:1',
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    )
    let bytes = 0
    p.stdout.on('data', (c: Buffer) => (bytes += c.length))
    p.stdin.on('error', () => undefined)
    p.on('error', () => resolve(null))
    p.on('close', (code) => resolve(code === 0 ? bytes / 2 / 16_000 : null))
    p.stdin.end(audio)
  })
}
