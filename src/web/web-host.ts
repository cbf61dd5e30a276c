import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, createWriteStream, promises as fs } from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Core } from '../core/app-core'
import { safeChars } from '../core/transcribe/exports'
import type { Envelope } from '../shared/contract'
import { CONTENT_SECURITY_POLICY } from '../shared/csp'
import { dispatch } from '../shared/dispatch'

export interface WebHost {
  url: string
  token: string
  /** how many pages are subscribed to events right now */
  eventClients: () => number
  close: () => Promise<void>
}

const MAX_BODY = 1_000_000
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
  opts: { staticDir: string; port?: number; token?: string; uploadDir?: string },
): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const tokenBuf = Buffer.from(token)
  const okToken = (t: string | null | undefined) => {
    if (!t) return false
    const b = Buffer.from(t)
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf)
  }
  const sse = new Set<http.ServerResponse>()
  const unsubscribe = core.events.subscribe((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const res of sse) res.write(frame)
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
    const url = new URL(req.url ?? '/', `http://${host}`)
    if (url.pathname.startsWith('/api/')) {
      const given = req.headers['x-mp4totext-token']
      if (!okToken(typeof given === 'string' ? given : url.searchParams.get('token'))) {
        send(res, 401, { ok: false, error: { code: 'forbidden', message: 'Missing or wrong token' } })
        return
      }
      if (url.pathname === '/api/events' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
        res.write(': connected\n\n')
        sse.add(res)
        req.on('close', () => sse.delete(res))
        return
      }
      if (url.pathname === '/api/upload' && req.method === 'POST') {
        send(
          res,
          200,
          await receiveUpload(
            req,
            url.searchParams.get('name') ?? 'upload',
            opts.uploadDir ?? path.join(core.dataDirPath, 'uploads'),
          ),
        )
        return
      }
      const media = /^\/api\/media\/([\w-]+)$/.exec(url.pathname)
      if (media && req.method === 'GET') {
        await serveMedia(core.transcription.mediaPath(media[1]!), req, res)
        return
      }
      const call = /^\/api\/call\/([\w.]+)$/.exec(url.pathname)
      if (call && req.method === 'POST') {
        const body = await readBody(req)
        let input: unknown
        try {
          input = body === '' ? {} : JSON.parse(body)
        } catch {
          send(res, 400, { ok: false, error: { code: 'invalid-input', message: 'Body is not JSON' } })
          return
        }
        send(res, 200, await dispatch(core.handlers, call[1]!, input))
        return
      }
      send(res, 404, { ok: false, error: { code: 'unknown-channel', message: 'No such API route' } })
      return
    }
    await serveStatic(url.pathname, res)
  }

  async function serveStatic(pathname: string, res: http.ServerResponse): Promise<void> {
    const root = path.resolve(opts.staticDir)
    let file = path.resolve(root, `.${decodeURIComponent(pathname)}`)
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end()
      return
    }
    const stat = await fs.stat(file).catch(() => null)
    if (!stat || stat.isDirectory()) file = path.join(root, 'index.html') // single-page app
    const type = mime[path.extname(file)] ?? 'application/octet-stream'
    res.writeHead(200, {
      'content-type': type,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    })
    createReadStream(file).pipe(res)
  }

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

const MAX_UPLOAD = 20 * 1024 ** 3

/** Save an uploaded media file under the data folder; the name is kept (sanitized) for display. */
async function receiveUpload(req: http.IncomingMessage, name: string, dir: string): Promise<Envelope<string>> {
  const safe = safeChars(path.basename(name)) || 'upload'
  const target = path.join(dir, randomBytes(8).toString('hex'), safe)
  await fs.mkdir(path.dirname(target), { recursive: true })
  let size = 0
  try {
    await pipeline(
      req,
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length
          cb(size > MAX_UPLOAD ? new Error('File too large') : null, chunk)
        },
      }),
      createWriteStream(target),
    )
    return { ok: true, value: target }
  } catch (err) {
    await fs.rm(path.dirname(target), { recursive: true, force: true })
    return { ok: false, error: { code: 'invalid-input', message: `Upload failed: ${(err as Error).message}` } }
  }
}

/** Stream a media file with byte ranges, so the player can seek. */
async function serveMedia(file: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const stat = await fs.stat(file).catch(() => null)
  if (!stat) {
    send(res, 404, { ok: false, error: { code: 'not-found', message: 'The media file is no longer there' } })
    return
  }
  const type = mediaTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
  const range = /bytes=(\d*)-(\d*)/.exec(req.headers.range ?? '')
  if (range) {
    const start = range[1] ? Number(range[1]) : Math.max(0, stat.size - Number(range[2]))
    const end = range[1] && range[2] ? Math.min(Number(range[2]), stat.size - 1) : stat.size - 1
    if (start >= stat.size || start > end) {
      res.writeHead(416, { 'content-range': `bytes */${stat.size}` }).end()
      return
    }
    res.writeHead(206, {
      'content-type': type,
      'accept-ranges': 'bytes',
      'content-range': `bytes ${start}-${end}/${stat.size}`,
      'content-length': end - start + 1,
    })
    createReadStream(file, { start, end }).pipe(res)
    return
  }
  res.writeHead(200, { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': stat.size })
  createReadStream(file).pipe(res)
}

const mediaTypes: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new Error('Request body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
