import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiServerSetting, ApiServerStatus } from '../../shared/calls/api-calls'
import { apiToken } from './api-token'
import { API_BASE_PATH, transcriptionApi, type TranscriptionApiDeps } from './transcription-api'

export const DEFAULT_API_HOST = '127.0.0.1'

export interface ApiListener {
  /** the base URL an OpenAI client is given, e.g. http://127.0.0.1:8765/v1 */
  url: string
  port: number
  close: () => Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/**
 * The transcription API on its own port: what `mp4totext serve` and the desktop app open. Bound
 * to this computer unless told otherwise; on loopback, a request must name a loopback host, so a
 * web page cannot reach it through a DNS name it controls (the token is still required).
 */
export async function listenApi(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>,
  opts: { host?: string; port?: number },
): Promise<ApiListener> {
  const host = opts.host ?? DEFAULT_API_HOST
  let port = opts.port ?? 0
  const server = http.createServer((req, res) => {
    if (LOOPBACK.has(host)) {
      const given = (req.headers.host ?? '').toLowerCase()
      if (![`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(given)) {
        res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request')
        return
      }
    }
    void handler(req, res)
      .then((handled) => {
        if (handled) return
        res.writeHead(404, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            error: {
              message: `This is MP4toText’s transcription API; its address is ${API_BASE_PATH} (POST ${API_BASE_PATH}/audio/transcriptions).`,
              type: 'invalid_request_error',
              param: null,
              code: 'unknown_url',
            },
          }),
        )
      })
      .catch(() => res.destroy())
  })
  // a long file takes longer than Node's default 5 minutes per request; headers still time out
  server.requestTimeout = 0
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}${API_BASE_PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * The API of one core: its token (in the data folder), the handler every shell mounts, and the
 * listener the desktop app keeps open while Settings says so.
 */
export class ApiService {
  readonly handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>
  private listener: ApiListener | null = null
  private current: ApiServerStatus = { state: 'off', url: null, error: null, detail: null }
  /** the setting the listener was last brought in line with; changes wait for the one before */
  private applying: Promise<void> = Promise.resolve()
  private unfollow: (() => void) | null = null

  constructor(private readonly deps: TranscriptionApiDeps) {
    this.handler = transcriptionApi(deps, { token: () => this.token() })
  }

  token(): Promise<string> {
    return apiToken(this.deps.dataDir)
  }

  status(): ApiServerStatus {
    return this.current
  }

  /** Open and close the listener as Settings → Transcription API says, now and whenever it changes. */
  serveFromSettings(): void {
    if (this.unfollow) return
    let last = ''
    const sync = () => {
      const setting = this.deps.store.data.settings.apiServer
      const key = JSON.stringify(setting)
      if (key === last) return
      last = key
      this.applying = this.applying.then(() => this.apply(setting))
    }
    this.unfollow = this.deps.events.subscribe((name) => name === 'settings.changed' && sync())
    sync()
  }

  private async apply(setting: ApiServerSetting): Promise<void> {
    await this.listener?.close()
    this.listener = null
    if (!setting.enabled) return this.set({ state: 'off', url: null, error: null, detail: null })
    try {
      // the token exists before the first client could need it, so Settings can show it at once
      await this.token()
      this.listener = await listenApi(this.handler, { port: setting.port })
      this.set({ state: 'listening', url: this.listener.url, error: null, detail: null })
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      this.set({ state: 'failed', url: null, error: e.code === 'EADDRINUSE' ? 'port-in-use' : 'other', detail: e.message })
    }
  }

  private set(status: ApiServerStatus): void {
    this.current = status
    this.deps.events.emit('api.status', status)
  }

  async close(): Promise<void> {
    this.unfollow?.()
    this.unfollow = null
    await this.applying
    await this.listener?.close()
    this.listener = null
  }
}
