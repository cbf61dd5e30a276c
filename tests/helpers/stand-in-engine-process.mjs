// A stand-in for our patched whisper-server (scripts/engine-patches/mp4totext-guard.h), as a real
// separate process: the same arguments, the same secret and Host checks, the same ready line and
// progress lines, exit when stdin closes, and verbose_json answers on POST /inference. What a
// real engine does only on a slow machine or by accident is scripted through the environment:
//   STAND_IN_DELAY_SEC  how long each /inference takes before its answer (default 0);
//   STAND_IN_CRASH_ON   the request (1-based) on which it dies like a native crash;
//   STAND_IN_REFUSE_ON  the request (1-based) it answers with an error, as for audio it cannot read.
// It answers one segment per request, covering the first second of the audio it was sent, with
// the text "window N" (N counts requests from 1).
import http from 'node:http'

const args = process.argv.slice(2)
const port = Number(args[args.indexOf('--port') + 1])
const delaySec = Number(process.env.STAND_IN_DELAY_SEC ?? 0)
const crashOn = Number(process.env.STAND_IN_CRASH_ON ?? 0)
const refuseOn = Number(process.env.STAND_IN_REFUSE_ON ?? 0)
// the secret comes as the first line on stdin, as the patched server reads it; then stdin is
// watched: the app gone, the pipe closes, the engine exits
const token = await new Promise((resolve) => {
  let buf = ''
  const onData = (c) => {
    buf += c
    const nl = buf.indexOf('\n')
    if (nl < 0) return
    process.stdin.off('data', onData)
    resolve(buf.slice(0, nl).trim())
  }
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', onData)
  process.stdin.on('end', () => resolve(buf.trim()))
})
if (!token) {
  process.stderr.write('error: no engine secret on stdin\n')
  process.exit(1)
}
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()

let served = 0
const send = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

const server = http.createServer((req, res) => {
  if (req.headers.origin) return send(res, 403, { error: 'requests from web pages are refused' })
  if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`)
    return send(res, 403, { error: 'wrong Host' })
  if (req.headers.authorization !== `Bearer ${token}`)
    return send(res, 401, { error: 'this engine answers only the app that started it' })
  if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok' })
  if (req.method !== 'POST' || req.url !== '/inference') return send(res, 404, { error: 'not found' })
  let bytes = 0
  req.on('data', (c) => (bytes += c.length))
  req.on('end', () => {
    const n = ++served
    if (n === crashOn) {
      process.stderr.write('whisper_full_with_state: failed to decode\n')
      process.kill(process.pid, 'SIGSEGV')
      return
    }
    if (n === refuseOn) return send(res, 500, { error: 'failed to read audio data' })
    // 16 kHz mono 16-bit: the upload's length in seconds, near enough (multipart overhead aside)
    const audioSec = Math.max(0.1, (bytes - 1000) / 32_000)
    const started = Date.now()
    const tick = setInterval(() => {
      const pct = Math.min(99, Math.floor(((Date.now() - started) / 1000 / Math.max(delaySec, 1)) * 100))
      process.stderr.write(`whisper_print_progress_callback: progress = ${String(pct).padStart(3)}%\n`)
    }, 10_000)
    setTimeout(() => {
      clearInterval(tick)
      send(res, 200, {
        language: 'en',
        segments: [{ start: 0, end: Math.min(1, audioSec), text: ` window ${n}` }],
      })
    }, delaySec * 1000)
  })
})
// no limits of its own: an answer takes as long as the script says
server.requestTimeout = 0
server.headersTimeout = 0
server.keepAliveTimeout = 0
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`whisper server listening at http://127.0.0.1:${port}\n`)
})
