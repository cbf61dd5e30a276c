import { AppError, type ErrorDetail } from '../../../shared/errors'
import { CloudTranscribeError } from '../cloud/cloud-transcriber'
import { createSttClient, type SttAnswer, type SttClient, type SttRequest } from '../cloud/stt-client'

export interface ServerEndpoint {
  /** the server's OpenAI base URL, e.g. http://10.0.0.5:8080/v1 */
  url: string
  /** requests this server takes at once */
  concurrency: number
}

/** A server that could not take a request: its HTTP status where it answered with one, else null (not reachable). */
export interface ServerProblem {
  url: string
  status: number | null
}

/**
 * Every endpoint is down or refused: the caller falls back to the local engine and the job says
 * which servers did not take the audio (the HTTP answers as a details line). A transcription error
 * of kind "network", so the cloud transcriber hands it on as it is: asking the same servers again
 * with a backoff only delays the local engine, which is the last endpoint.
 */
export class NoServerLeftError extends CloudTranscribeError {
  constructor(readonly problems: ServerProblem[]) {
    const said = problems.map((p) => `${p.url}: ${p.status === null ? 'not reachable' : `HTTP ${p.status}`}`).join('; ')
    const detail: ErrorDetail<'servers-none-left'> = {
      key: 'servers-none-left',
      params: { servers: problems.map((p) => p.url).join(', ') },
    }
    super(
      'provider-error',
      `No transcription server could take the audio (${said || 'every server is down'}).`,
      'network',
      undefined,
      detail as ErrorDetail,
    )
    this.name = 'NoServerLeftError'
  }
}

/** Requests a busy server (429, 503) gets in all before the next endpoint is tried. */
const BUSY_TRIES = 3
/** The longest wait a busy server's Retry-After is followed for; beyond it, the next endpoint. */
const BUSY_WAIT_MAX_MS = 10_000

/** How long a busy answer asks to wait (Retry-After in seconds, or a date), else 1 s, 2 s… capped. */
function retryAfterMs(err: unknown, tries: number): number {
  const headers = (err as { headers?: unknown }).headers
  const raw =
    headers instanceof Headers
      ? headers.get('retry-after')
      : typeof headers === 'object' && headers !== null
        ? (headers as Record<string, string | undefined>)['retry-after']
        : undefined
  const sec = raw === undefined || raw === null ? NaN : Number(raw)
  const asked = Number.isFinite(sec) ? sec * 1000 : raw ? Date.parse(raw) - Date.now() : NaN
  return Math.min(BUSY_WAIT_MAX_MS, Math.max(0, Number.isFinite(asked) ? asked : tries * 1000))
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

/** A server's address as the OpenAI SDK wants it: a bare host gets /v1 (whisper.cpp, speaches, vLLM). */
export function serverBaseUrl(url: string): string {
  const u = new URL(url)
  const clean = u.toString().replace(/\/+$/, '')
  return u.pathname === '/' || u.pathname === '' ? `${clean}/v1` : clean
}

interface Slot {
  url: string
  base: string
  concurrency: number
  busy: number
  down: boolean
  /** whether this endpoint is sent the key (only the servers it was given for are) */
  keySent: boolean
  client: SttClient
  /** requests this endpoint answered (tests and the bench read it) */
  served: number
}

/**
 * A work queue over the user's own transcription servers: each request goes to the first healthy
 * endpoint with a free slot (in the list's order), waits when all are busy, and moves on to the
 * next endpoint when one cannot be reached (marked down until the next health check) or answers
 * 5xx — after a few tries when the answer says it is busy (429, 503, waited out as Retry-After
 * asks, up to 10 s). Shared by every job of the process, so the pieces of one long file and the
 * files of a batch spread over the same slots.
 */
export class ServerPool {
  private readonly slots: Slot[]
  private waiters: (() => void)[] = []

  constructor(
    endpoints: readonly ServerEndpoint[],
    /** per endpoint, the bearer token it is sent (MP4TOTEXT_SERVER_KEY where it may go); never stored */
    keys: readonly (string | null)[],
    private readonly opts: {
      timeoutMs?: number
      /** what the user is told when a server refuses the request for want of a (right) key */
      refusedMessage?: (url: string, keySent: boolean) => string
    } = {},
  ) {
    this.slots = endpoints.map((e, i) => {
      const base = serverBaseUrl(e.url)
      const key = keys[i] ?? null
      return {
        url: e.url,
        base,
        concurrency: e.concurrency,
        busy: 0,
        down: false,
        keySent: key !== null,
        served: 0,
        client: createSttClient({ provider: 'custom', baseURL: base, apiKey: key, timeoutMs: opts.timeoutMs ?? 600_000 }),
      }
    })
  }

  get urls(): string[] {
    return this.slots.map((s) => s.url)
  }

  /** requests in flight at once across the healthy endpoints */
  capacity(): number {
    return this.slots.filter((s) => !s.down).reduce((n, s) => n + s.concurrency, 0)
  }

  served(): Record<string, number> {
    return Object.fromEntries(this.slots.map((s) => [s.url, s.served]))
  }

  /**
   * Ask each endpoint whether it is there: any HTTP answer at its base URL counts (servers differ
   * in what they serve at GET /), a refused or timed-out connection marks it down.
   */
  async checkHealth(timeoutMs = 3000): Promise<void> {
    await Promise.all(
      this.slots.map(async (s) => {
        try {
          const res = await fetch(s.base, { signal: AbortSignal.timeout(timeoutMs) })
          await res.body?.cancel()
          s.down = false
        } catch {
          s.down = true
        }
      }),
    )
    this.wake()
  }

  /** An SttClient whose every request runs on a free endpoint of the pool. */
  client(): SttClient {
    return { transcribe: (req) => this.transcribe(req) }
  }

  private async transcribe(req: SttRequest): Promise<SttAnswer> {
    const tried = new Set<Slot>()
    const problems: ServerProblem[] = []
    const busyTries = new Map<Slot, number>()
    let waitMs = 0
    for (;;) {
      if (waitMs > 0) await abortableSleep(waitMs, req.signal)
      waitMs = 0
      const slot = await this.take(tried, req.signal)
      if (!slot) throw new NoServerLeftError(problems)
      tried.add(slot)
      try {
        const answer = await slot.client.transcribe(req)
        slot.served++
        return answer
      } catch (err) {
        if (req.signal.aborted) throw err
        const status = (err as { status?: unknown }).status
        if ((status === 401 || status === 403) && this.opts.refusedMessage)
          throw new CloudTranscribeError('provider-auth', this.opts.refusedMessage(slot.url, slot.keySent), 'auth', status)
        // a 4xx is about the request (the next server would say the same): the caller's to handle
        if (typeof status === 'number' && status < 500 && status !== 429) throw err
        // busy (429, 503): asked again after the wait it names, a few times, before moving on —
        // with one server, moving on means this computer redoes the whole file
        const tries = (busyTries.get(slot) ?? 0) + 1
        if ((status === 429 || status === 503) && tries < BUSY_TRIES) {
          busyTries.set(slot, tries)
          tried.delete(slot)
          waitMs = retryAfterMs(err, tries)
          continue
        }
        if (typeof status !== 'number') slot.down = true
        problems.push({ url: slot.url, status: typeof status === 'number' ? status : null })
      } finally {
        slot.busy--
        this.wake()
      }
    }
  }

  /** The first untried healthy endpoint with a free slot; waits while all such are busy; null when none is left. */
  private async take(tried: Set<Slot>, signal: AbortSignal): Promise<Slot | null> {
    for (;;) {
      if (signal.aborted) throw new AppError('cancelled', 'Cancelled')
      const candidates = this.slots.filter((s) => !s.down && !tried.has(s))
      if (!candidates.length) return null
      const free = candidates.find((s) => s.busy < s.concurrency)
      if (free) {
        free.busy++
        return free
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done)
          resolve()
        }
        this.waiters.push(done)
        signal.addEventListener('abort', done, { once: true })
      })
    }
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }
}
