import { spawn } from 'node:child_process'
import { createReadStream, promises as fs } from 'node:fs'
import path from 'node:path'
import { AppError, keyedError, NO_DETAILS } from '../../../shared/errors'
import { monoAudioArgs } from '../../media/ffmpeg-input'
import { ffmpegPath } from '../../media/ffmpeg-path'
import { MediaError } from '../../media/probe'

/** 16 kHz mono: what Whisper hears anyway, and what Groq's docs advise sending. */
export const CLOUD_SAMPLE_RATE = 16_000
const BYTES_PER_SEC = CLOUD_SAMPLE_RATE * 2

export type CloudCodec = 'flac' | 'opus'

/**
 * The most bytes a second of encoded audio can take, for planning pieces before encoding them.
 * FLAC never grows past raw PCM by more than its frame headers (a frame that does not compress
 * is stored verbatim), so 16-bit samples plus 5 % is a bound, not a guess. Opus at 32 kbit/s
 * in constrained VBR stays near its rate; 25 % covers the Ogg pages.
 */
export const WORST_BYTES_PER_SEC: Record<CloudCodec, number> = {
  flac: Math.ceil(BYTES_PER_SEC * 1.05),
  opus: Math.ceil((32_000 / 8) * 1.25),
}
/** container headers, seek tables and the multipart envelope */
export const FIXED_OVERHEAD_BYTES = 64 * 1024

export const codecFiles: Record<CloudCodec, { ext: string; mime: string; args: string[] }> = {
  flac: { ext: 'flac', mime: 'audio/flac', args: ['-c:a', 'flac', '-compression_level', '8', '-f', 'flac'] },
  // the 2018 bundled ffmpeg has libopus; Ogg is a container both Groq and OpenAI accept
  opus: {
    ext: 'ogg',
    mime: 'audio/ogg',
    args: ['-c:a', 'libopus', '-b:a', '32k', '-vbr', 'constrained', '-application', 'voip', '-f', 'ogg'],
  },
}

/** The longest piece whose encoded size is surely under `maxUploadBytes`. */
export function maxPieceSecFor(maxUploadBytes: number, codec: CloudCodec): number {
  const sec = Math.floor((maxUploadBytes - FIXED_OVERHEAD_BYTES) / WORST_BYTES_PER_SEC[codec])
  if (sec < 10)
    throw new AppError(
      'invalid-input',
      `An upload limit of ${maxUploadBytes} bytes is too small to send audio; use at least 1 MB.`,
    )
  return sec
}

export interface DecodedAudio {
  /** 16 kHz mono s16le WAV, readable by the VAD */
  wavPath: string
  dataOffset: number
  durationSec: number
}

/**
 * Decode the file's audio stream once to 16 kHz mono PCM in a WAV file on disk (32 kB per
 * second of audio, ~115 MB an hour): pieces are then cut from it at exact sample offsets, with
 * any overlap, without reading the source again, and the VAD can read it too. Memory stays flat.
 */
export async function decodeToWav(
  file: string,
  dir: string,
  opts: { streamIndex?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<DecodedAudio> {
  const wavPath = path.join(dir, 'audio.wav')
  const args = [
    ...monoAudioArgs(file, opts.streamIndex, CLOUD_SAMPLE_RATE),
    '-map_metadata',
    '-1',
    '-c:a',
    'pcm_s16le',
    // past 4 GB (37 h) a plain WAV header overflows
    '-rf64',
    'auto',
    '-f',
    'wav',
    '-y',
    `file:${wavPath}`,
  ]
  const { code, stderr } = await run(ffmpegPath(opts.env), args, opts.signal)
  if (opts.signal?.aborted) throw new AppError('cancelled', 'Cancelled')
  const info = await readWavData(wavPath).catch(() => null)
  if (!info || info.dataBytes < 2) {
    const name = path.basename(file)
    if (/not on whitelist/.test(stderr))
      throw new MediaError('not-media', `${name} is a playlist or a format that is not supported, not a media file.`, name)
    throw new MediaError('corrupt', `No audio could be read from ${name}${code === 0 ? '' : `: ${lastLine(stderr)}`}.`, name)
  }
  return { wavPath, dataOffset: info.dataOffset, durationSec: Math.floor(info.dataBytes / 2) / CLOUD_SAMPLE_RATE }
}

/** Encode [startSec, endSec) of the decoded audio into one upload file; returns its size. */
export async function encodePiece(
  audio: DecodedAudio,
  startSec: number,
  endSec: number,
  codec: CloudCodec,
  outPath: string,
  opts: { signal?: AbortSignal; env?: NodeJS.ProcessEnv },
): Promise<number> {
  const first = Math.round(startSec * CLOUD_SAMPLE_RATE)
  const last = Math.round(endSec * CLOUD_SAMPLE_RATE)
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-protocol_whitelist',
    'file,pipe',
    '-f',
    's16le',
    '-ar',
    String(CLOUD_SAMPLE_RATE),
    '-ac',
    '1',
    '-i',
    'pipe:0',
    '-map_metadata',
    '-1',
    ...codecFiles[codec].args,
    '-y',
    `file:${outPath}`,
  ]
  const input = createReadStream(audio.wavPath, {
    start: audio.dataOffset + first * 2,
    end: audio.dataOffset + last * 2 - 1,
  })
  const { code, stderr } = await run(ffmpegPath(opts.env), args, opts.signal, input)
  if (opts.signal?.aborted) throw new AppError('cancelled', 'Cancelled')
  if (code !== 0)
    throw keyedError(
      'internal',
      'upload-encode-failed',
      { detail: lastLine(stderr) },
      `Could not encode the audio for upload (${codec}): ${lastLine(stderr)}`,
    )
  return (await fs.stat(outPath)).size
}

function run(
  bin: string,
  args: string[],
  signal: AbortSignal | undefined,
  input?: NodeJS.ReadableStream,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return resolve({ code: null, stderr: '' })
    const proc = spawn(bin, args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'] })
    let stderr = ''
    proc.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)))
    const onAbort = () => proc.kill('SIGKILL')
    signal?.addEventListener('abort', onAbort, { once: true })
    if (input) {
      // ffmpeg closing its input early (killed, failed) is reported through its exit code
      proc.stdin!.on('error', () => undefined)
      input.on('error', (err) => proc.stdin!.destroy(err))
      input.pipe(proc.stdin!)
    }
    proc.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort)
      reject(err)
    })
    proc.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort)
      resolve({ code, stderr })
    })
  })
}

/** Where the samples start in a WAV/RF64 file ffmpeg wrote, and how many bytes they take. */
async function readWavData(wavPath: string): Promise<{ dataOffset: number; dataBytes: number }> {
  const fh = await fs.open(wavPath, 'r')
  try {
    const size = (await fh.stat()).size
    const head = Buffer.alloc(Math.min(size, 4096))
    await fh.read(head, 0, head.length, 0)
    const riff = head.toString('ascii', 0, 4)
    if ((riff !== 'RIFF' && riff !== 'RF64') || head.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file')
    let at = 12
    while (at + 8 <= head.length) {
      const id = head.toString('ascii', at, at + 4)
      const len = head.readUInt32LE(at + 4)
      if (id === 'data') {
        const dataOffset = at + 8
        // RF64 writes 0xFFFFFFFF here; the file's size is the truth either way
        return { dataOffset, dataBytes: size - dataOffset }
      }
      at += 8 + len + (len % 2)
    }
    throw new Error('no data chunk')
  } finally {
    await fh.close()
  }
}

function lastLine(stderr: string): string {
  return (stderr.trim().split('\n').at(-1) ?? '').replace(/^\[[^\]]*\]\s*/, '').trim() || NO_DETAILS
}
