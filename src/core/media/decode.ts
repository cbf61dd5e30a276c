import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monoAudioArgs } from './ffmpeg-input'
import { ffmpegPath } from './ffmpeg-path'
import { MediaError } from './probe'

export const SAMPLE_RATE = 16_000
/** An end of the file shorter than this joins the window before it (see decodeWindows). */
const FOLD_SEC = 1
/** How far before its length a window may end to end in a pause (see quietCut). */
const CUT_SEARCH_SEC = 2
/** A stretch this long is a pause when it is far quieter than the rest of the search… */
const PAUSE_FRAME_SEC = 0.02
/** …namely below this share of the search's median energy. */
const PAUSE_SHARE = 0.1

export interface WavWindow {
  /** a 16 kHz mono s16le WAV file holding this window; the consumer removes it once used (the rest go with the generator) */
  wavPath: string
  /** where this window starts in the original file */
  startSec: number
  durationSec: number
}

export interface DecodeOptions {
  signal?: AbortSignal
  env?: NodeJS.ProcessEnv
  /** the stream probe chose (MediaInfo.audioStreamIndex); otherwise ffmpeg's own pick */
  streamIndex?: number
  /** the first window's length when it differs from the rest (a short one starts the engine sooner) */
  firstWindowSec?: number
}

/** How decoding ended, once every window was handed out. */
export interface DecodeSummary {
  /** seconds of audio decoded, all windows together */
  decodedSec: number
  /**
   * What ffmpeg reported when reading stopped at damaged or missing data after some audio had
   * decoded (a file cut short), or null when it read to the end cleanly.
   */
  readError: string | null
}

/** Temp folders are named after the owning process, so a later start can sweep a dead one's. */
export const PCM_DIR_PREFIX = 'mp4totext-pcm-'

/**
 * Decode any container to 16 kHz mono s16le and hand it out as WAV files of `windowSec` each,
 * written as ffmpeg produces them (the last one up to a second longer). Nothing but a read buffer
 * and one second of audio is held in memory, so memory stays flat however long the file; reading
 * pauses while a window is being transcribed. Timestamps stay continuous: each window knows its
 * offset in the audio stream.
 *
 * A file that stops decoding part-way (cut short, damaged at the end) keeps what decoded: the
 * windows already out stand, and the summary says where and why reading stopped. Only a file of
 * which nothing decodes is an error.
 */
export async function* decodeWindows(
  file: string,
  windowSec: number,
  opts: DecodeOptions = {},
): AsyncGenerator<WavWindow, DecodeSummary> {
  const { signal, env, streamIndex } = opts
  const args = [...monoAudioArgs(file, streamIndex, SAMPLE_RATE), '-f', 's16le', '-acodec', 'pcm_s16le', '-']
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${PCM_DIR_PREFIX}${process.pid}-`))
  const proc = spawn(ffmpegPath(env), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const onAbort = () => proc.kill('SIGKILL')
  signal?.addEventListener('abort', onAbort, { once: true })
  let stderr = ''
  proc.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)))

  const windowBytes = bytesOf(windowSec)
  let index = 0
  let startSec = 0
  let decodedBytes = 0
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
    decodedBytes += even
    return out
  }
  // Where a window ends: at its length, or — when the last seconds before it hold a clear pause —
  // in that pause, so no word is cut in two (see quietCut). Those seconds and the one after the
  // length stay in memory until the cut is chosen: a shorter end of the file joins the window
  // instead of being one. Containers end a few samples past a round length (AAC's priming makes
  // ten minutes decode to 600.004 s), and a window of 2 ms would cost a whole engine request — or
  // fail it: whisper-server refuses a few dozen samples.
  const searchBytes = bytesOf(Math.min(CUT_SEARCH_SEC, windowSec / 5))
  const foldBytes = bytesOf(Math.min(FOLD_SEC, windowSec))
  let target = bytesOf(opts.firstWindowSec ?? windowSec)
  let tail: Buffer[] = []
  let tailBytes = 0
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      let rest = chunk
      while (rest.length > 0) {
        current ??= await open()
        const direct = target - searchBytes - current.bytes
        if (direct > 0) {
          const take = Math.min(rest.length, direct)
          await current.handle.write(rest.subarray(0, take))
          current.bytes += take
          rest = rest.subarray(take)
          continue
        }
        const take = Math.min(rest.length, searchBytes + foldBytes - tailBytes)
        tail.push(rest.subarray(0, take))
        tailBytes += take
        rest = rest.subarray(take)
        if (tailBytes === searchBytes + foldBytes) {
          const held = Buffer.concat(tail)
          const cut = quietCut(held.subarray(0, searchBytes))
          await current.handle.write(held.subarray(0, cut))
          current.bytes += cut
          const done = await close(current)
          current = null
          // what follows the cut starts the next window
          rest = Buffer.concat([held.subarray(cut), rest])
          tail = []
          tailBytes = 0
          target = windowBytes
          yield done
        }
      }
    }
    if (current && tailBytes > 0) {
      await current.handle.write(Buffer.concat(tail))
      current.bytes += tailBytes
      tail = []
      tailBytes = 0
    }
    const code = await exited
    const summary = (): DecodeSummary => ({
      decodedSec: decodedBytes / 2 / SAMPLE_RATE,
      readError: code !== 0 || stderr.trim() ? lastLine(stderr) || `exit code ${code}` : null,
    })
    if (signal?.aborted) return summary()
    const name = path.basename(file)
    if (code !== 0 && decodedBytes === 0 && (current?.bytes ?? 0) < 2) {
      if (/not on whitelist/.test(stderr))
        throw new MediaError('not-media', `${name} is a playlist or a format that is not supported, not a media file.`, name)
      throw new MediaError(
        'corrupt',
        `No audio could be read from ${name}: it is damaged or cut short. Download or copy it again.`,
        name,
      )
    }
    if (current && current.bytes >= 2) {
      const done = await close(current)
      current = null
      yield done
    }
    return summary()
  } finally {
    signal?.removeEventListener('abort', onAbort)
    if (proc.exitCode === null) proc.kill('SIGKILL')
    await current?.handle.close().catch(() => undefined)
    await fs.rm(dir, { recursive: true, force: true })
  }
}

/** Whole samples of 16 kHz s16le in `sec` seconds, in bytes. */
const bytesOf = (sec: number) => Math.round(sec * SAMPLE_RATE) * 2

/**
 * Where in `pcm` (the last seconds before a window's length) the window should end, in bytes: in
 * the middle of its quietest 20 ms when that is a clear pause (under a tenth of the median
 * energy; the latest such when several are as quiet), else at its end — the window's length.
 * Steady sound (music, noise, a tone) has no pause and is cut at the length, as before.
 */
function quietCut(pcm: Buffer): number {
  const frame = bytesOf(PAUSE_FRAME_SEC)
  const energies: number[] = []
  for (let at = 0; at + frame <= pcm.length; at += frame / 2) {
    let e = 0
    for (let i = at; i < at + frame; i += 2) {
      const v = pcm.readInt16LE(i)
      e += v * v
    }
    energies.push(e)
  }
  if (energies.length === 0) return pcm.length
  const median = [...energies].sort((a, b) => a - b)[Math.floor(energies.length / 2)]!
  let best = -1
  for (let k = 0; k < energies.length; k++) if (best < 0 || energies[k]! <= energies[best]!) best = k
  if (!(energies[best]! < median * PAUSE_SHARE)) return pcm.length
  const middle = (best * frame) / 2 + frame / 2
  return middle - (middle % 2)
}

/** The last line of ffmpeg's messages, without its "[demuxer @ 0x…]" prefix. */
function lastLine(stderr: string): string {
  return (stderr.trim().split('\n').at(-1) ?? '').replace(/^\[[^\]]*\]\s*/, '').trim()
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
