import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { AppError, type ErrorDetail } from '../../shared/errors'
import type { MediaProblem } from '../../shared/transcribe-types'
import { ffmpegInputArgs } from './ffmpeg-input'
import { ffmpegPath } from './ffmpeg-path'

export interface MediaInfo {
  /** the container's duration: the picture's length for a video, what a player's timeline shows */
  durationSec: number
  hasAudio: boolean
  hasVideo: boolean
  audioCodec: string | null
  sampleRate: number | null
  channels: number | null
  /** ffmpeg's index of the audio stream that is transcribed (the default one, else the first) */
  audioStreamIndex: number
  /**
   * Where that audio starts on the file's timeline, in seconds after the file's first frame (as
   * players count: they start their clock at the earliest stream). An audio delay makes it > 0.
   */
  audioStartSec: number
  /**
   * The audio stream's own length as its container declares it, or null when the container
   * does not say (then only decoding errors can tell a cut-short file from a short sound track).
   */
  audioDurationSec: number | null
  /** the picture's frames per second (23.976 for ffmpeg's "23.98"), or null: no video, or not said */
  frameRate: number | null
}

export type MediaErrorReason = MediaProblem

/** Reasons for which trying the same file again gives the same answer: Retry is not offered. */
const FINAL: ReadonlySet<MediaErrorReason> = new Set(['empty', 'not-media', 'no-audio', 'corrupt'])

export class MediaError extends AppError {
  constructor(
    readonly reason: MediaErrorReason,
    message: string,
    /** the file's name as the user knows it: with it the renderer words the refusal (media-<reason>) */
    file?: string,
  ) {
    super(
      'invalid-input',
      message,
      file === undefined ? undefined : ({ key: `media-${reason}`, params: { file } } as ErrorDetail),
    )
  }

  /** A missing or unreadable file can come back (a drive plugged in, a permission fixed). */
  get retryable(): boolean {
    return !FINAL.has(this.reason)
  }
}

/** Demuxers that only point at other files or addresses: refused, named in the error. */
const REFERENCE_FORMATS = /^(hls|applehttp|concat|dash|image2|sdp|rtsp|rtp|webm_dash_manifest|imf|ffmetadata)$/

/**
 * Read the streams and their timing with `ffmpeg -i` (the bundled build ships no ffprobe). The
 * per-stream start and duration are only printed at trace level (libavformat's
 * estimate_timings); Matroska keeps each track's length in a DURATION tag instead.
 */
export function probe(file: string, env?: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<MediaInfo> {
  return probeAt('trace', file, env, signal)
}

/**
 * The streams alone, at ffmpeg's normal log level: the same refusals and the same choice of
 * audio stream as `probe`, in a few milliseconds however long the file (trace level logs every
 * index entry: a tenth of a second for ten minutes of mp4, more for longer). Its timing fields
 * are what the container says outright: no per-stream start (`audioStartSec` is 0) and no
 * per-stream length but Matroska's tag.
 */
export function probeStreams(file: string, env?: NodeJS.ProcessEnv): Promise<MediaInfo> {
  return probeAt('info', file, env)
}

/** `signal` stops ffmpeg (a long file's trace probe reads on for seconds after a cancel); the probe then rejects. */
async function probeAt(level: 'trace' | 'info', file: string, env?: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<MediaInfo> {
  const name = path.basename(file)
  let stat
  try {
    stat = await fs.stat(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new MediaError('missing', `File not found: ${name}. It may have been moved, renamed or deleted; add it again.`, name)
    throw new MediaError(
      'unreadable',
      `Cannot read ${name} (${code ?? (err as Error).message}). Check that the file is accessible.`,
      name,
    )
  }
  if (stat.isDirectory())
    throw new MediaError('unreadable', `${name} is a folder, not a media file. Choose a file inside it.`, name)
  try {
    await fs.access(file, fs.constants.R_OK)
  } catch {
    throw new MediaError(
      'unreadable',
      `No permission to read ${name}. Allow reading it, or copy it somewhere you can read, and retry.`,
      name,
    )
  }
  if (stat.size === 0) throw new MediaError('empty', `${name} is empty (0 bytes): nothing to transcribe.`, name)

  const lines = await new Promise<string[]>((resolve, reject) => {
    const p = spawn(ffmpegPath(env), ['-hide_banner', '-nostdin', '-loglevel', level, ...ffmpegInputArgs(file)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    // trace level also logs every index entry (a long MP4 has ~10^5): keep only what is parsed
    const kept: string[] = []
    let rest = ''
    p.stderr.on('data', (c: Buffer) => {
      const parts = (rest + c.toString()).split(/\r?\n/)
      rest = parts.pop() ?? ''
      for (const l of parts) if (keep(l)) kept.push(l)
    })
    const onAbort = () => p.kill('SIGKILL')
    signal?.addEventListener('abort', onAbort, { once: true })
    p.on('error', reject)
    p.on('close', () => {
      signal?.removeEventListener('abort', onAbort)
      if (signal?.aborted) reject(new AppError('cancelled', 'Cancelled'))
      else resolve(keep(rest) ? [...kept, rest] : kept)
    })
  })
  const info = parseProbe(lines, name)
  // ffmpeg measures a WAV by what is in the file, so a copy cut short looks whole to it: the
  // length its header declares is the one to compare against
  if (info.audioDurationSec === null && lines.some((l) => /^Input #0, wav,/.test(l))) {
    const declared = await wavDeclaredSec(file)
    if (declared !== null) return { ...info, audioDurationSec: declared }
  }
  return info
}

/**
 * The length a WAV's RIFF header declares for its audio (data bytes / bytes per second), or null
 * where it does not say (a header written for streaming: 0 or 0xFFFFFFFF, RF64).
 */
export async function wavDeclaredSec(file: string): Promise<number | null> {
  const fh = await fs.open(file, 'r')
  try {
    const head = Buffer.alloc(64 * 1024)
    const { bytesRead } = await fh.read(head, 0, head.length, 0)
    const b = head.subarray(0, bytesRead)
    if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') return null
    let byteRate = 0
    for (let at = 12; at + 8 <= b.length;) {
      const id = b.toString('latin1', at, at + 4)
      const size = b.readUInt32LE(at + 4)
      if (id === 'fmt ' && at + 16 <= b.length) byteRate = b.readUInt32LE(at + 16)
      if (id === 'data') return byteRate > 0 && size > 0 && size !== 0xffffffff ? round3(size / byteRate) : null
      at += 8 + size + (size % 2)
    }
    return null
  } finally {
    await fh.close()
  }
}

function keep(line: string): boolean {
  return (
    !line.startsWith('[') ||
    /stream \d+: start_time:|format: start_time:|not on whitelist|misdetection|moov atom not found|Truncated|partial file|Estimating duration/i.test(
      line,
    )
  )
}

const seconds = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s)
/** A trace timestamp, or null for "NOPTS" and the huge negative numbers old builds print for it. */
const traceTime = (s: string | undefined) => {
  const n = Number(s)
  return s !== undefined && Number.isFinite(n) && Math.abs(n) < 1e8 ? n : null
}

interface StreamLine {
  index: number
  kind: string
  desc: string
  isDefault: boolean
  durationTag: number | null
}

export function parseProbe(lines: string[], name: string): MediaInfo {
  const text = lines.join('\n')
  const refused = /\[([\w,]+) @ [^\]]*\] Format not on whitelist/.exec(text)
  if (refused) {
    const fmt = refused[1]!.split(',')[0]!
    throw new MediaError(
      'not-media',
      REFERENCE_FORMATS.test(fmt)
        ? `${name} is a playlist or a list of other files (${fmt}), not a media file. For safety only the file itself is read: open the audio or video file it refers to.`
        : `${name} is in a format (${fmt}) that is not supported. Convert it to a common audio or video format (mp3, wav, mp4…) and add it again.`,
      name,
    )
  }
  const streams: StreamLine[] = []
  for (const l of lines) {
    const s = /^\s*Stream #\d+:(\d+)[^:]*: (\w+): (.*)$/.exec(l)
    if (s) {
      streams.push({ index: Number(s[1]), kind: s[2]!, desc: s[3]!, isDefault: /\(default\)/.test(s[3]!), durationTag: null })
      continue
    }
    // Matroska's per-track DURATION tag sits in the metadata under its stream line
    const tag = /^\s+DURATION(?:-\w+)?\s*:\s*(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(l)
    const last = streams.at(-1)
    if (tag && last) last.durationTag = seconds(tag[1]!, tag[2]!, tag[3]!)
  }
  const misdetected = /misdetection possible/i.test(text)
  if (!misdetected && /moov atom not found|Truncated|partial file/i.test(text) && streams.length === 0) {
    throw new MediaError(
      'corrupt',
      `${name} is damaged or was cut short before its index, so nothing in it can be read. Download or copy it again.`,
      name,
    )
  }
  if (streams.length === 0)
    throw new MediaError(
      'not-media',
      `${name} is not an audio or video file that can be read. Check that it is the file you meant.`,
      name,
    )
  const audios = streams.filter((s) => s.kind === 'Audio')
  const audio = audios.find((s) => s.isDefault) ?? audios[0]
  if (!audio) throw new MediaError('no-audio', `${name} has no audio stream, so there is nothing to transcribe.`, name)
  const video = streams.find((s) => s.kind === 'Video' && !/^(mjpeg|png|bmp|gif)\b/.test(s.desc))
  const hasVideo = video !== undefined

  const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(text)
  const timing = new Map<number, { start: number | null; duration: number | null }>()
  for (const m of text.matchAll(/stream (\d+): start_time: (\S+) duration: (\S+)/g))
    timing.set(Number(m[1]), { start: traceTime(m[2]), duration: traceTime(m[3]) })
  const fmt = /format: start_time: (\S+)/.exec(text)
  const formatStart = traceTime(fmt?.[1]) ?? 0
  const own = timing.get(audio.index)
  const streamStart = own?.start ?? null
  const audioStartSec = streamStart === null ? 0 : Math.max(0, round3(streamStart - formatStart))
  // A duration guessed from the bit rate (MP3 without a header, raw streams) is no measure.
  const estimated = /Estimating duration from bitrate/i.test(text)
  let audioDurationSec: number | null = null
  if (audio.durationTag !== null) {
    // ffmpeg writes the track's end time there, mkvmerge its length: the end minus the start is
    // right for the first and at worst a little short for the second, never too long.
    audioDurationSec = Math.max(0, round3(audio.durationTag - (streamStart ?? 0)))
  } else if (own?.duration != null && own.duration > 0 && !estimated) {
    audioDurationSec = round3(own.duration)
  }

  const a = /^([^,\s]+)[^,]*,\s*(\d+) Hz,\s*([^,]+)/.exec(audio.desc)
  const channels = a?.[3]?.trim() ?? ''
  return {
    durationSec: d ? seconds(d[1]!, d[2]!, d[3]!) : 0,
    hasAudio: true,
    hasVideo,
    audioCodec: a?.[1] ?? null,
    sampleRate: a ? Number(a[2]) : null,
    channels: channels === 'mono' ? 1 : channels === 'stereo' ? 2 : Number(/(\d+)/.exec(channels)?.[1] ?? 0) || null,
    audioStreamIndex: audio.index,
    audioStartSec,
    audioDurationSec,
    frameRate: video ? frameRateOf(video.desc) : null,
  }
}

/** ffmpeg prints NTSC rates to two decimals ("23.98 fps", "59.94 fps"): the exact rates they stand for. */
function frameRateOf(desc: string): number | null {
  const m = /(\d+(?:\.\d+)?) fps\b/.exec(desc) ?? /(\d+(?:\.\d+)?) tbr\b/.exec(desc)
  const fps = m ? Number(m[1]) : NaN
  if (!Number.isFinite(fps) || fps <= 0) return null
  const ntsc = [23.976, 29.97, 47.952, 59.94, 119.88].find((r) => Math.abs(r - fps) < 0.01)
  return ntsc ?? Math.round(fps * 1000) / 1000
}

const round3 = (x: number) => Math.round(x * 1000) / 1000
