import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ffmpegPath } from './ffmpeg-path'
import { MediaError } from './probe'

export const SAMPLE_RATE = 16_000

export interface WavWindow {
  /** a 16 kHz mono s16le WAV file holding this window; the consumer removes it once used (the rest go with the generator) */
  wavPath: string
  /** where this window starts in the original file */
  startSec: number
  durationSec: number
}

/**
 * Decode any container to 16 kHz mono s16le and hand it out as WAV files of `windowSec` each,
 * written as ffmpeg produces them. Nothing but a read buffer is held in memory, so memory stays
 * flat however long the file; reading pauses while a window is being transcribed. Timestamps
 * stay continuous: each window knows its offset in the file.
 */
export async function* decodeWindows(
  file: string,
  windowSec: number,
  signal?: AbortSignal,
  env?: NodeJS.ProcessEnv,
): AsyncGenerator<WavWindow> {
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
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mp4totext-pcm-'))
  const proc = spawn(ffmpegPath(env), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const onAbort = () => proc.kill('SIGKILL')
  signal?.addEventListener('abort', onAbort, { once: true })
  let stderr = ''
  proc.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)))

  const windowBytes = windowSec * SAMPLE_RATE * 2
  let index = 0
  let startSec = 0
  let current: { path: string; handle: fs.FileHandle; bytes: number } | null = null
  const open = async () => {
    const p = path.join(dir, `window-${index++}.wav`)
    const handle = await fs.open(p, 'w')
    await handle.write(Buffer.alloc(44)) // header written when the size is known
    return { path: p, handle, bytes: 0 }
  }
  const close = async (w: { path: string; handle: fs.FileHandle; bytes: number }) => {
    const even = w.bytes - (w.bytes % 2)
    await w.handle.write(wavHeader(even), 0, 44, 0)
    if (even !== w.bytes) await w.handle.truncate(44 + even)
    await w.handle.close()
    const out: WavWindow = { wavPath: w.path, startSec, durationSec: even / 2 / SAMPLE_RATE }
    startSec += out.durationSec
    return out
  }
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      let rest = chunk
      while (rest.length > 0) {
        current ??= await open()
        const take = Math.min(rest.length, windowBytes - current.bytes)
        await current.handle.write(rest.subarray(0, take))
        current.bytes += take
        rest = rest.subarray(take)
        if (current.bytes === windowBytes) {
          const done = await close(current)
          current = null
          yield done
        }
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
    if (current && current.bytes >= 2) {
      const done = await close(current)
      current = null
      yield done
    }
  } finally {
    signal?.removeEventListener('abort', onAbort)
    if (proc.exitCode === null) proc.kill('SIGKILL')
    await current?.handle.close().catch(() => undefined)
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/** A WAV file in memory: header + 16 kHz mono s16le PCM. */
export function wavFile(pcm: Buffer): Buffer {
  return Buffer.concat([wavHeader(pcm.length), pcm])
}

/** The 44-byte RIFF header for `dataBytes` of 16 kHz mono s16le PCM. */
export function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0)
  h.writeUInt32LE(36 + dataBytes, 4)
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
  h.writeUInt32LE(dataBytes, 40)
  return h
}
