import type http from 'node:http'

/** Past this much of a refused body, the connection is cut rather than read on. */
const DRAIN_MAX_BYTES = 1024 ** 3

/**
 * After a refusal (413, 507, 401…) was answered: read and drop the rest of the request body, so
 * the client finishes sending and reads the answer instead of meeting a reset.
 */
export function drainRest(req: http.IncomingMessage): void {
  if (req.readableEnded) return
  let drained = 0
  req.on('data', (c: Buffer) => {
    drained += c.length
    if (drained > DRAIN_MAX_BYTES) req.socket.destroy()
  })
  req.resume()
}
