import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface MediaSite {
  url: string
  /** bytes the endless and the stalled routes have sent so far */
  sentBytes: () => number
  close: () => Promise<void>
}

/**
 * A website on loopback, for importing from a link without the internet:
 *   /media/<name>          the media file (audio/mpeg, with its Content-Length)
 *   /page.html             an HTML page titled `title` with a <video src> of the media file
 *   /plain.html            an HTML page with no media
 *   /endless-page.html     an HTML page whose <video> is /endless.mp3
 *   /endless.mp3           audio/mpeg without a length that never ends (until the client goes)
 *   /huge.mp3              says Content-Length 100 GB (and sends nothing)
 *   /stalled.mp3           64 KiB of a 10 MB file, then nothing until the client goes
 *   anything else          404
 */
export async function startMediaSite(mediaFile: string, title: string): Promise<MediaSite> {
  const media = readFileSync(mediaFile)
  let sent = 0
  const chunk = Buffer.alloc(64 * 1024, 0xff)
  const html = (body: string) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`
  const server = http.createServer((req, res) => {
    const route = decodeURIComponent((req.url ?? '/').split('?')[0]!)
    if (route.startsWith('/media/') && req.method !== 'POST')
      return void res
        .writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': media.length })
        .end(req.method === 'HEAD' ? undefined : media)
    if (route === '/page.html')
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(html('<video src="/media/talk.mp3"></video>'))
    if (route === '/plain.html')
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html('<p>hi</p>'))
    if (route === '/endless-page.html')
      return void res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(html('<video src="/endless.mp3"></video>'))
    if (route === '/huge.mp3') {
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(100 * 1024 ** 3) })
      if (req.method === 'HEAD') return void res.end()
      return void res.flushHeaders()
    }
    if (route === '/endless.mp3') {
      res.writeHead(200, { 'content-type': 'audio/mpeg' })
      if (req.method === 'HEAD') return void res.end()
      const pump = () => {
        while (!res.destroyed) {
          sent += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
      }
      res.on('close', () => res.destroy())
      return void pump()
    }
    if (route === '/stalled.mp3') {
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(10 * 1024 * 1024) })
      sent += chunk.length
      return void res.write(chunk)
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not here')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sentBytes: () => sent,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
