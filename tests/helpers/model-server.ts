import http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A model host on loopback that honours Range and can drop the first download half-way, as a
 * flaky connection does. `files` is one body served at every path, or bodies by path (404 for
 * others); `cut` chooses which path's first download drops (default: the first request's); `hold`
 * keeps every download in flight after its first bytes.
 */
export async function modelServer(
  files: Buffer | Record<string, Buffer>,
  opts: {
    cutFirstAt?: number
    cut?: (path: string) => boolean
    /** send the first `bytes`, then wait for `until` before the rest: a download caught in flight */
    hold?: { bytes: number; until: Promise<void> }
  } = {},
) {
  let cutDone = false
  const ranges: string[] = []
  const requests: { path: string; range: string }[] = []
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/'
    const body = Buffer.isBuffer(files) ? files : files[url]
    if (!body) return void res.writeHead(404).end()
    ranges.push(req.headers.range ?? '')
    requests.push({ path: url, range: req.headers.range ?? '' })
    const m = /bytes=(\d+)-/.exec(req.headers.range ?? '')
    const start = m ? Number(m[1]) : 0
    const slice = body.subarray(start)
    res.writeHead(m ? 206 : 200, {
      'content-length': slice.length,
      ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    })
    if (!cutDone && opts.cutFirstAt !== undefined && (opts.cut ?? (() => true))(url)) {
      cutDone = true
      res.write(slice.subarray(0, opts.cutFirstAt), () => setTimeout(() => res.socket?.destroy(), 30))
      return
    }
    if (opts.hold) {
      const { bytes, until } = opts.hold
      res.write(slice.subarray(0, bytes))
      void until.then(() => res.end(slice.subarray(bytes)))
      return
    }
    res.end(slice)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ranges,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r())
        server.closeAllConnections()
      }),
  }
}

/**
 * A hostile model mirror on loopback (`host`, default 127.0.0.1): `endless` sends a body that never
 * ends (no content-length, 1 MiB chunks until the client stops reading, at most `limitBytes`);
 * `redirect` answers every request with a 302 to that URL. Records every request it got.
 */
export async function hostileModelServer(opts: { endless?: { limitBytes: number }; redirect?: string; host?: string } = {}) {
  const requests: string[] = []
  let sentBytes = 0
  const chunk = Buffer.alloc(1024 * 1024, 0x6c)
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '/')
    if (opts.redirect) return void res.writeHead(302, { location: opts.redirect }).end()
    if (!opts.endless) return void res.writeHead(404).end()
    const limit = opts.endless.limitBytes
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    const pump = () => {
      while (sentBytes < limit && !res.destroyed) {
        sentBytes += chunk.length
        if (!res.write(chunk)) return void res.once('drain', pump)
      }
      // the "disk" of the sender never runs out; cut the connection at the limit so a test ends
      res.destroy()
    }
    pump()
  })
  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((r) => server.listen(0, host, r))
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    requests,
    sentBytes: () => sentBytes,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
