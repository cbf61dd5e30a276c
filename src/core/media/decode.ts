import { spawn } from 'node:child_process'
import { ffmpegPath } from './ffmpeg-path'
import { MediaError } from './probe'

export const SAMPLE_RATE = 16_000

export interface PcmWindow {
  /** 16-bit little-endian mono samples at 16 kHz */
  pcm: Buffer
  /** where this window starts in the original file */
  startSec: number
  durationSec: number
}

/**
 * Decode any container to 16 kHz mono s16le and hand it out in windows of `windowSec`, reading
 * no further ahead than the window being filled, so memory stays flat however long the file.
 * Timestamps stay continuous: each window knows its offset in the file.
 */
export async function* decodeWindows(
  file: string,
  windowSec: number,
  signal?: AbortSignal,
  env?: NodeJS.ProcessEnv,
): AsyncGenerator<PcmWindow> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-i',
    file,
    '-vn',
    '-sn',
    '-dn',
    '-ac',
    '1',
    '-ar',
    String(SAMPLE_RATE),
    '-f',
    's16le',
    '-acodec',
    'pcm_s16le',
    '-',
  ]
  const proc = spawn(ffmpegPath(env), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const onAbort = () => proc.kill('SIGKILL')
  signal?.addEventListener('abort', onAbort, { once: true })
  let stderr = ''
  proc.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)))

  const windowBytes = windowSec * SAMPLE_RATE * 2
  let pending: Buffer[] = []
  let pendingBytes = 0
  let emittedSec = 0
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk)
      pendingBytes += chunk.length
      while (pendingBytes >= windowBytes) {
        const all = Buffer.concat(pending)
        const pcm = all.subarray(0, windowBytes)
        pending = [all.subarray(windowBytes)]
        pendingBytes = pending[0]!.length
        yield { pcm, startSec: emittedSec, durationSec: windowSec }
        emittedSec += windowSec
      }
    }
    const code = await exited
    if (signal?.aborted) return
    if (code !== 0) {
      throw new MediaError(
        'corrupt',
        `ffmpeg could not decode the audio (${stderr.trim().split('\n').at(-1) || `exit code ${code}`}). The file may be truncated or damaged.`,
      )
    }
    const rest = Buffer.concat(pending)
    const even = rest.subarray(0, rest.length - (rest.length % 2))
    if (even.length > 0) yield { pcm: even, startSec: emittedSec, durationSec: even.length / 2 / SAMPLE_RATE }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    if (proc.exitCode === null) proc.kill('SIGKILL')
  }
}

/** A 44-byte RIFF header in front of 16 kHz mono s16le PCM. */
export function wavFile(pcm: Buffer): Buffer {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0)
  h.writeUInt32LE(36 + pcm.length, 4)
  h.write('WAVE', 8)
  h.write('fmt ', 12)
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20)
  h.writeUInt16LE(1, 22)
  h.writeUInt32LE(SAMPLE_RATE, 24)
  h.writeUInt32LE(SAMPLE_RATE * 2, 28)
  h.writeUInt16LE(2, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36)
  h.writeUInt32LE(pcm.length, 40)
  return Buffer.concat([h, pcm])
}
