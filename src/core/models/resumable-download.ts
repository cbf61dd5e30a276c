import { lookup } from 'node:dns/promises'
import { promises as fs } from 'node:fs'
import { isIP } from 'node:net'
import path from 'node:path'
import { keyedError, type AppError } from '../../shared/errors'
import { DISK_RESERVE_BYTES, freeDiskBytes } from '../uploads/upload-store'

export interface DownloadProgress {
  receivedBytes: number
  totalBytes: number | null
  bytesPerSec: number
  etaSec: number | null
}

const MiB = 1024 * 1024

/**
 * The most a download of a file the catalog says is `expectedBytes` may take: its size and a
 * little slack (catalog sizes are rounded, and a model is sometimes re-uploaded a bit larger).
 */
export function downloadCap(expectedBytes: number): number {
  return Math.ceil(expectedBytes + Math.max(32 * MiB, expectedBytes * 0.05))
}

/** Hops a download follows before giving up (a model host sends one, to its CDN). */
const MAX_REDIRECTS = 5

class TooLarge extends Error {}

export interface DownloadOptions {
  /** the catalog's size of the file: the download is refused past it (and its slack) */
  expectedBytes: number
  fetchImpl?: typeof fetch
  onProgress?: (p: DownloadProgress) => void
  signal?: AbortSignal
  /** free bytes on the disk holding `dir` (tests may stand in for statfs) */
  freeBytes?: (dir: string) => Promise<number>
}

/**
 * Fetch `url` into `part`, resuming with an HTTP Range request from what an interrupted attempt
 * left there. A cancel deletes the part; a dropped connection keeps it for the next attempt.
 * Bounded, so a broken or hostile mirror cannot fill the disk: refused up front when the disk has
 * not room for the rest and a reserve (db.json must still be writable), cut off (and the part
 * removed) once it passes the catalog's size, and redirects followed only to the same host or to
 * https hosts, never to loopback or private addresses unless the mirror is on one itself.
 * Verifying the finished part and renaming it into place is the caller's: each kind of model
 * has its own checksum. Shared by the whisper, speaker and GGUF model downloads.
 */
export async function downloadResumable(url: string, part: string, opts: DownloadOptions): Promise<void> {
  const fetchImpl = opts.fetchImpl ?? fetch
  const cap = downloadCap(opts.expectedBytes)
  const host = hostOf(url)
  let have = (await fs.stat(part).catch(() => null))?.size ?? 0
  if (have > cap) {
    await fs.rm(part, { force: true })
    have = 0
  }
  await assertRoom(path.dirname(part), opts.expectedBytes - have, opts.freeBytes ?? freeDiskBytes, part)
  const res = await fetchFollowing(
    url,
    { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal: opts.signal },
    fetchImpl,
    part,
  )
  if (res.status === 416)
    have = 0 // the part is already complete (or stale): the caller verifies it
  else if (!res.ok)
    throw keyedError(
      'provider-error',
      'download-http',
      { host, status: res.status },
      `Download failed: HTTP ${res.status} for ${url}`,
    )
  const resumed = res.status === 206
  if (have > 0 && !resumed && res.status !== 416) have = 0 // the server ignored Range: start over
  const total = res.status === 416 ? null : Number(res.headers.get('content-length') ?? NaN) + (resumed ? have : 0) || null
  if (res.status === 416 || !res.body) return
  if (total !== null && total > cap) {
    await res.body.cancel().catch(() => undefined)
    await fs.rm(part, { force: true })
    throw tooLarge(host, total, opts.expectedBytes)
  }
  const started = performance.now()
  let received = have
  const meter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      received += chunk.byteLength
      if (received > cap) return ctl.error(new TooLarge())
      const rate = (received - have) / Math.max(0.001, (performance.now() - started) / 1000)
      opts.onProgress?.({
        receivedBytes: received,
        totalBytes: total,
        bytesPerSec: rate,
        etaSec: total && rate > 0 ? (total - received) / rate : null,
      })
      ctl.enqueue(chunk)
    },
  })
  try {
    // each chunk is on disk before the next is read: a connection that breaks keeps every byte
    // that arrived for the resume (a stream pipeline drops what it still buffers when it fails)
    const file = await fs.open(part, resumed ? 'a' : 'w', 0o600)
    const reader = res.body.pipeThrough(meter).getReader()
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        opts.signal?.throwIfAborted()
        await file.write(r.value)
      }
    } catch (err) {
      // stopped on this side (a cancel, a failed write): the connection is let go, not left open
      await reader.cancel().catch(() => undefined)
      throw err
    } finally {
      await file.close()
    }
  } catch (err) {
    if (opts.signal?.aborted) {
      // a cancel leaves nothing behind in the models folder
      await fs.rm(part, { force: true })
      throw cancelled()
    }
    if (received > cap) {
      await fs.rm(part, { force: true })
      throw tooLarge(host, received, opts.expectedBytes)
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      // the disk filled up anyway: give the space back, the app's own files need it
      await fs.rm(part, { force: true })
      throw keyedError(
        'store-failed',
        'download-disk-full',
        { host },
        `The disk ran full while downloading from ${host}; the partial file was deleted. Free some space and try again.`,
      )
    }
    throw keyedError(
      'provider-error',
      'download-interrupted',
      { host },
      `The download was interrupted (${(err as Error).message}); run it again to resume.`,
    )
  }
}

function tooLarge(host: string, bytes: number, expected: number): AppError {
  const english = `The download from ${host} is larger than the ${mib(expected)} expected (${bytes > expected * 100 ? 'it did not end' : mib(bytes)}); it was stopped and the partial file deleted. Check the model mirror in Settings.`
  return bytes > expected * 100
    ? keyedError('provider-error', 'download-endless', { host, expected: mib(expected) }, english)
    : keyedError('provider-error', 'download-too-large', { host, expected: mib(expected), got: mib(bytes) }, english)
}

const cancelled = () => keyedError('cancelled', 'download-cancelled', {}, 'Download cancelled')

const mib = (bytes: number) => `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`

async function assertRoom(dir: string, bytes: number, freeBytes: (dir: string) => Promise<number>, part: string) {
  const free = await freeBytes(dir).catch(() => Number.POSITIVE_INFINITY)
  const need = Math.max(0, bytes) + DISK_RESERVE_BYTES
  if (free >= need) return
  await fs.rm(part, { force: true })
  throw keyedError(
    'invalid-input',
    'download-no-room',
    { need: mib(need), free: mib(free), dir },
    `Not enough free disk space for this model: it needs ${mib(need)} free (the model and a reserve for the app's own files), and the disk holding ${dir} has ${mib(free)} free. Free some space, or choose another models folder in Settings.`,
  )
}

/** The request, following redirects by hand so each hop is checked (redirectAllowed). */
async function fetchFollowing(
  url: string,
  init: { headers: Record<string, string>; signal?: AbortSignal },
  fetchImpl: typeof fetch,
  part: string,
): Promise<Response> {
  let current = url
  for (let hop = 0; ; hop++) {
    const res = await fetchImpl(current, { ...init, redirect: 'manual' }).catch((err: Error) => {
      throw init.signal?.aborted
        ? cancelled()
        : keyedError(
            'provider-error',
            'download-unreachable',
            { host: hostOf(current) },
            `Cannot reach ${hostOf(current)}: ${err.message}`,
          )
    })
    const redirected = res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400 && res.status !== 304)
    if (!redirected) return res
    await res.body?.cancel().catch(() => undefined)
    // a fetch that hides where a redirect goes (the standard's opaque redirect) is asked again
    // through Node's own fetch, which shows it; the download itself stays on the shell's fetch
    const location = res.type === 'opaqueredirect' ? await locationOf(current, init) : res.headers.get('location')
    const next = location ? safeUrl(location, current) : null
    if (!next || hop >= MAX_REDIRECTS || !(await redirectAllowed(current, next, url))) {
      await fs.rm(part, { force: true })
      throw keyedError(
        'provider-error',
        next ? 'download-redirect' : 'download-redirect-hidden',
        { host: hostOf(url), target: next ? hostOf(next) : '' },
        `The model mirror ${hostOf(url)} redirected the download to ${next ? hostOf(next) : 'an address it did not give'}, which is not followed: a download may only move to the same host or to an https host, and never to a loopback or private address. Check the model mirror in Settings.`,
      )
    }
    current = next
  }
}

async function locationOf(url: string, init: { headers: Record<string, string>; signal?: AbortSignal }): Promise<string | null> {
  const res = await fetch(url, { ...init, redirect: 'manual' }).catch(() => null)
  await res?.body?.cancel().catch(() => undefined)
  return res?.headers.get('location') ?? null
}

function safeUrl(location: string, base: string): string | null {
  try {
    return new URL(location, base).toString()
  } catch {
    return null
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

/**
 * Whether a download at `from` may follow a redirect to `to`, for a mirror at `mirror`: to the
 * same host (scheme and port as given), or to an https host that is not on this machine or a
 * private network; to such an address only when the mirror is itself on one (a mirror on the
 * LAN may hand over to its neighbour).
 */
export async function redirectAllowed(from: string, to: string, mirror: string): Promise<boolean> {
  let a: URL, b: URL, m: URL
  try {
    a = new URL(from)
    b = new URL(to)
    m = new URL(mirror)
  } catch {
    return false
  }
  if (b.protocol !== 'http:' && b.protocol !== 'https:') return false
  if (b.host === a.host && (b.protocol === a.protocol || b.protocol === 'https:')) return true
  if (b.protocol !== 'https:') return false
  if (await isInternalHost(b.hostname)) return isInternalHost(m.hostname)
  return true
}

/** loopback, private, link-local, shared (CGNAT) and unspecified addresses */
export function isInternalAddress(ip: string): boolean {
  const v = isIP(ip)
  if (v === 4) {
    const [a, b] = ip.split('.').map(Number) as [number, number]
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b < 128) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168)
    )
  }
  if (v === 6) {
    const x = ip.toLowerCase()
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(x)
    if (mapped) return isInternalAddress(mapped[1]!)
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(x)
    if (hex) {
      const n = (parseInt(hex[1]!, 16) << 16) | parseInt(hex[2]!, 16)
      return isInternalAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'))
    }
    return x === '::' || x === '::1' || /^f[cd]/.test(x) || /^fe[89ab]/.test(x)
  }
  return false
}

async function isInternalHost(hostname: string): Promise<boolean> {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (isIP(h)) return isInternalAddress(h)
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  // a name is judged by where it points now (a name that does not resolve cannot be fetched)
  const addrs = await lookup(h, { all: true }).catch(() => [])
  return addrs.some((x) => isInternalAddress(x.address))
}
