import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import { AppError } from '../../shared/errors'
import { ffmpegPath } from './ffmpeg-path'

export interface MediaInfo {
  durationSec: number
  hasAudio: boolean
  hasVideo: boolean
  audioCodec: string | null
  sampleRate: number | null
  channels: number | null
}

export class MediaError extends AppError {
  constructor(
    readonly reason: 'missing' | 'unreadable' | 'empty' | 'not-media' | 'no-audio' | 'corrupt',
    message: string,
  ) {
    super('invalid-input', message)
  }
}

/** Read duration and streams with `ffmpeg -i` (the bundled build ships no ffprobe). */
export async function probe(file: string, env?: NodeJS.ProcessEnv): Promise<MediaInfo> {
  let stat
  try {
    stat = await fs.stat(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new MediaError('missing', `File not found: ${file}`)
    throw new MediaError('unreadable', `Cannot read ${file}: ${(err as Error).message}`)
  }
  if (stat.isDirectory()) throw new MediaError('unreadable', `${file} is a folder, not a media file`)
  try {
    await fs.access(file, fs.constants.R_OK)
  } catch {
    throw new MediaError('unreadable', `No permission to read ${file}`)
  }
  if (stat.size === 0) throw new MediaError('empty', `${file} is empty (0 bytes)`)

  const stderr = await new Promise<string>((resolve, reject) => {
    const p = spawn(ffmpegPath(env), ['-hide_banner', '-nostdin', '-i', file], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    p.stderr.on('data', (c: Buffer) => (err += c.toString()))
    p.on('error', reject)
    p.on('close', () => resolve(err))
  })
  const misdetected = /misdetection possible/i.test(stderr)
  if (!misdetected && /moov atom not found|Truncated|partial file/i.test(stderr) && !/Stream #/.test(stderr)) {
    throw new MediaError('corrupt', `${file} is damaged or truncated (its index is missing), so ffmpeg cannot read it`)
  }
  if (
    /Invalid data found when processing input|could not find codec parameters|Unknown format/i.test(stderr) &&
    !/Stream #/.test(stderr)
  ) {
    throw new MediaError('not-media', `${file} is not an audio or video file ffmpeg can read`)
  }
  const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr)
  const audio = /Stream #\S+.*?: Audio: ([^,\s]+)[^,]*,\s*(\d+) Hz,\s*([^,]+)/.exec(stderr)
  const hasVideo = /Stream #\S+.*?: Video: (?!mjpeg|png)/.test(stderr)
  if (!/Stream #/.test(stderr)) throw new MediaError('not-media', `${file} holds no audio or video streams ffmpeg can read`)
  if (!audio) throw new MediaError('no-audio', `${file} has no audio stream, so there is nothing to transcribe`)
  const channels = audio[3]!.trim()
  return {
    durationSec: d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : 0,
    hasAudio: true,
    hasVideo,
    audioCodec: audio[1] ?? null,
    sampleRate: Number(audio[2]),
    channels: channels === 'mono' ? 1 : channels === 'stereo' ? 2 : Number(/(\d+)/.exec(channels)?.[1] ?? 0) || null,
  }
}
