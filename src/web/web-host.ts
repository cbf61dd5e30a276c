import { drainRest } from '../core/runtime/drain-request'
import { MAX_TRANSCRIPT_CHARS } from '../shared/enhance-types'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Core } from '../core/app-core'
import { mediaReply, openRegularFile, type MediaReply } from '../core/media/regular-file'
import { saveUpload, UploadRefused, type UploadLimits } from '../core/uploads/upload-store'
import type { Envelope } from '../shared/contract'
import { CONTENT_SECURITY_POLICY } from '../shared/csp'
import { toErrorShape } from '../shared/errors'
import { dispatch } from '../shared/dispatch'
import { API_PREFIX, apiRoutePatterns, apiRoutes, PAGE_QUERY, TOKEN_HEADER, TOKEN_QUERY } from '../shared/transport'

export interface WebHost {
  url: string
  token: string
  /** how many pages are subscribed to events right now */
  eventClients: () => number
  close: () => Promise<void>
}

/**
 * A call's JSON body. The largest input of the contract is the longest transcript an enhancement
 * takes, at up to 3 UTF-8 bytes a character (Turkish letters take 2), plus a MiB for the rest of
 * the call, in whole MiB (16 MiB). Above this the answer is a 413 with a JSON error.
 */
export const MAX_JSON_BODY_BYTES = Math.ceil((MAX_TRANSCRIPT_CHARS * 3) / 1024 ** 2 + 1) * 1024 ** 2
/** What one event-stream client may have waiting unread before it is dropped. */
const MAX_SSE_BUFFER_BYTES = 8 * 1024 ** 2
const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}
const CSP = CONTENT_SECURITY_POLICY

/**
 * Serves the built renderer and the contract over HTTP on 127.0.0.1 only. Every API call needs
 * the random token printed with the URL, and the Host header must be our own address so a web
 * page elsewhere cannot reach the API by DNS rebinding.
 */
export async function startWebHost(
  core: Core,
  opts: {
    staticDir: string
    port?: number
    token?: string
    /** tests: a smaller cap, a simulated nearly full disk */
    uploads?: Partial<UploadLimits>
  },
): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const tokenBuf = Buffer.from(token)
  const okToken = (t: string | null | undefined) => {
    if (!t) return false
    const b = Buffer.from(t)
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf)
  }
  // as the desktop app: the API's own port opens while Settings says so
  core.api.serveFromSettings()
  const sse = new Set<http.ServerResponse>()
  const unsubscribe = core.events.subscribe((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const res of sse) {
      // a page that stopped reading (a frozen tab) must not make the host buffer without end:
      // past the bound it is dropped, and its EventSource reconnects and catches up by reloading
      if (res.writableLength > MAX_SSE_BUFFER_BYTES) {
        sse.delete(res)
        res.destroy()
      } else res.write(frame)
    }
  })

  let hostPort = ''
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'internal', message: (err as Error).message } })
      else res.end()
    })
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? ''
    if (host !== hostPort && host !== hostPort.replace('127.0.0.1', 'localhost')) {
      res.writeHead(421).end('Misdirected request')
      return
    }
    // the OpenAI-compatible transcription API, under /v1 with its own bearer token
    if (await core.api.handler(req, res)) return
    const url = new URL(req.url ?? '/', `http://${host}`)
    if (url.pathname.startsWith(API_PREFIX)) {
      // A page elsewhere may send "simple" cross-origin requests without asking first: any
      // Origin other than our own is refused, and the token in the query string (which a URL
      // can leak) is only accepted where a header cannot be set — the event stream and media.
      const origin = req.headers.origin
      if (
        origin !== undefined &&
        origin !== `http://${hostPort}` &&
        origin !== `http://${hostPort.replace('127.0.0.1', 'localhost')}`
      ) {
        send(res, 403, { ok: false, error: { code: 'forbidden', message: 'Requests from other sites are refused' } })
        return
      }
      const given = req.headers[TOKEN_HEADER]
      const queryAllowed =
        req.method === 'GET' && (url.pathname === apiRoutes.events || apiRoutePatterns.media.test(url.pathname))
      if (!okToken(typeof given === 'string' ? given : queryAllowed ? url.searchParams.get(TOKEN_QUERY) : null)) {
        send(res, 401, { ok: false, error: { code: 'forbidden', message: 'Missing or wrong token' } })
        return
      }
      if (url.pathname === apiRoutes.events && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
        res.write(': connected\n\n')
        sse.add(res)
        // one stream per page load: when it closes, the page was reloaded or closed (or froze
        // and was dropped: its next chunk of audio shows it is still there)
        const page = url.searchParams.get(PAGE_QUERY)
        req.on('close', () => {
          sse.delete(res)
          if (page) core.recording.pageGone(page)
        })
        return
      }
      if (url.pathname === apiRoutes.upload && req.method === 'POST') {
        const length = req.headers['content-length']
        try {
          const file = await saveUpload(core.dataDirPath, url.searchParams.get('name') ?? 'upload', req, {
            declaredBytes: length === undefined ? null : Number(length),
            limits: opts.uploads,
          })
          send(res, 200, { ok: true, value: file })
        } catch (err) {
          refuse(req, res, err instanceof UploadRefused ? err.httpStatus : 200, { ok: false, error: toErrorShape(err) })
        }
        return
      }
      const media = apiRoutePatterns.media.exec(url.pathname)
      if (media && req.method === 'GET') {
        let file: string
        try {
          file = core.transcripts.mediaPath(media[1]!)
        } catch (err) {
          send(res, 404, { ok: false, error: toErrorShape(err) })
          return
        }
        await sendReply(res, await mediaReply(file, req.headers.range))
        return
      }
      const call = apiRoutePatterns.call.exec(url.pathname)
      if (call && req.method === 'POST') {
        const body = await readBody(req)
        if (body === null) {
          const message = `The request is larger than ${MAX_JSON_BODY_BYTES / 1024 ** 2} MiB, the most one call may carry (a transcript of up to 5 million characters fits).`
          refuse(req, res, 413, { ok: false, error: { code: 'invalid-input', message } })
          return
        }
        let input: unknown
        try {
          input = body === '' ? {} : JSON.parse(body)
        } catch {
          send(res, 400, { ok: false, error: { code: 'invalid-input', message: 'Body is not JSON' } })
          return
        }
        const answer = await dispatch(core.handlers, call[1]!, input)
        send(res, callStatus(answer), answer)
        return
      }
      send(res, 404, { ok: false, error: { code: 'unknown-channel', message: 'No such API route' } })
      return
    }
    await serveStatic(url.pathname, res)
  }

  async function serveStatic(pathname: string, res: http.ServerResponse): Promise<void> {
    const root = path.resolve(opts.staticDir)
    let decoded: string
    try {
      decoded = decodeURIComponent(pathname)
    } catch {
      res.writeHead(400).end('Bad request')
      return
    }
    const file = path.resolve(root, `.${decoded}`)
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end()
      return
    }
    let opened = await openRegularFile(file)
    let served = file
    // single-page app: a path that is not a file is a route of the app
    if (!opened.ok && (opened.reason === 'missing' || opened.reason === 'directory')) {
      served = path.join(root, 'index.html')
      opened = await openRegularFile(served)
    }
    if (!opened.ok) {
      res.writeHead(opened.status).end()
      return
    }
    res.writeHead(200, {
      'content-type': mime[path.extname(served)] ?? 'application/octet-stream',
      'content-length': opened.size,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      // the page's URL carries the token until the app moves it out: never send it elsewhere
      'referrer-policy': 'no-referrer',
    })
    await pipeline(opened.handle.createReadStream(), res).catch(() => undefined)
  }

  // an upload of up to 20 GiB to a slow disk may take longer than Node's default 5 minutes per
  // request; the host is loopback-only and token-guarded, and headers still time out
  server.requestTimeout = 0
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  hostPort = `127.0.0.1:${port}`
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    eventClients: () => sse.size,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe()
        for (const res of sse) res.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Stream a media reply (status, headers, body from the one handle opened); errors end the response. */
async function sendReply(res: http.ServerResponse, r: MediaReply): Promise<void> {
  res.writeHead(r.status, r.headers)
  if (r.body instanceof Readable) await pipeline(r.body, res).catch(() => undefined)
  else res.end(r.body ?? undefined)
}

/**
 * Answer now, then read and drop the rest of the body: the client is still sending, and cutting
 * the connection under it would show a reset instead of this answer.
 */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, body)
  drainRest(req)
}

/**
 * The HTTP status of a call's answer: input the contract (or the handler) refuses is the
 * client's error, 400, and an unknown call 404, so a plain HTTP client sees them as failures;
 * everything else is 200 with the envelope saying how it went.
 */
function callStatus(answer: Envelope<unknown>): number {
  if (answer.ok) return 200
  return answer.error.code === 'invalid-input' ? 400 : answer.error.code === 'unknown-channel' ? 404 : 200
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

/** The body as text, or null when it is larger than the limit (the rest is left unread). */
function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    const onData = (c: Buffer) => {
      size += c.length
      if (size <= MAX_JSON_BODY_BYTES) {
        chunks.push(c)
        return
      }
      req.off('data', onData)
      req.pause()
      resolve(null)
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
