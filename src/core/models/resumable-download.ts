import { createWriteStream, promises as fs } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../../shared/errors'

export interface DownloadProgress {
  receivedBytes: number
  totalBytes: number | null
  bytesPerSec: number
  etaSec: number | null
}

/**
 * Fetch `url` into `part`, resuming with an HTTP Range request from what an interrupted attempt
 * left there. A cancel deletes the part; a dropped connection keeps it for the next attempt.
 * Verifying the finished part and renaming it into place is the caller's: each kind of model
 * has its own checksum. Shared by the whisper and GGUF model managers.
 */
export async function downloadResumable(
  url: string,
  part: string,
  opts: { fetchImpl?: typeof fetch; onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal } = {},
): Promise<void> {
  const fetchImpl = opts.fetchImpl ?? fetch
  let have = (await fs.stat(part).catch(() => null))?.size ?? 0
  const res = await fetchImpl(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, signal: opts.signal }).catch(
    (err: Error) => {
      throw opts.signal?.aborted
        ? new AppError('cancelled', 'Download cancelled')
        : new AppError('provider-error', `Cannot reach ${new URL(url).host}: ${err.message}`)
    },
  )
  if (res.status === 416)
    have = 0 // the part is already complete (or stale): the caller verifies it
  else if (!res.ok) throw new AppError('provider-error', `Download failed: HTTP ${res.status} for ${url}`)
  const resumed = res.status === 206
  if (have > 0 && !resumed && res.status !== 416) have = 0 // the server ignored Range: start over
  const total = res.status === 416 ? null : Number(res.headers.get('content-length') ?? NaN) + (resumed ? have : 0) || null
  if (res.status === 416 || !res.body) return
  const started = performance.now()
  let received = have
  const meter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      received += chunk.byteLength
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
    await pipeline(
      Readable.fromWeb(res.body.pipeThrough(meter) as never),
      createWriteStream(part, { flags: resumed ? 'a' : 'w' }),
      {
        signal: opts.signal,
      },
    )
  } catch (err) {
    if (opts.signal?.aborted) {
      // a cancel leaves nothing behind in the models folder
      await fs.rm(part, { force: true })
      throw new AppError('cancelled', 'Download cancelled')
    }
    throw new AppError('provider-error', `The download was interrupted (${(err as Error).message}); run it again to resume.`)
  }
}
