import { execFileSync } from 'node:child_process'
import { statSync, truncateSync } from 'node:fs'
import path from 'node:path'
import { ffmpegPath } from '../../src/core/media/ffmpeg-path'

export interface ToneOptions {
  seconds?: number
  freq?: number
  sampleRate?: number
  /** 'mono', 'stereo', or 'stereo-inverted' (right = −left, so a correct mono mix is silence) */
  layout?: 'mono' | 'stereo' | 'stereo-inverted'
  video?: boolean
  /** the video's frame rate, as ffmpeg takes it ("30000/1001"; default 10) */
  fps?: string
  noise?: boolean
}

const codecs: Record<string, string[]> = {
  mp4: ['-c:a', 'aac'],
  m4a: ['-c:a', 'aac'],
  aac: ['-c:a', 'aac'],
  mov: ['-c:a', 'aac'],
  mkv: ['-c:a', 'libvorbis'],
  webm: ['-c:a', 'libopus'],
  ogg: ['-c:a', 'libvorbis'],
  opus: ['-c:a', 'libopus'],
  mp3: ['-c:a', 'libmp3lame'],
  avi: ['-c:a', 'libmp3lame'],
  wav: ['-c:a', 'pcm_s16le'],
  flac: ['-c:a', 'flac'],
}
const videoCodecs: Record<string, string[]> = {
  mp4: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  mov: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  mkv: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
  webm: ['-c:v', 'libvpx'],
  avi: ['-c:v', 'mpeg4'],
}

/** Make a test file with the bundled ffmpeg from lavfi sources: a tone or noise, optionally with video. */
export function makeMedia(dir: string, name: string, o: ToneOptions = {}): string {
  const file = path.join(dir, name)
  const ext = path.extname(name).slice(1)
  const seconds = o.seconds ?? 3
  const rate = o.sampleRate ?? 44_100
  const src = o.noise
    ? `anoisesrc=d=${seconds}:r=${rate}:a=0.3`
    : `sine=frequency=${o.freq ?? 440}:duration=${seconds}:sample_rate=${rate}`
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', src]
  if (o.video) args.push('-f', 'lavfi', '-i', `testsrc=size=160x120:rate=${o.fps ?? 10}:duration=${seconds}`)
  const filters: string[] = []
  if (o.layout === 'stereo') filters.push('pan=stereo|c0=c0|c1=c0')
  if (o.layout === 'stereo-inverted') filters.push('pan=stereo|c0=c0|c1=-1*c0')
  if (filters.length) args.push('-af', filters.join(','))
  if (o.layout === undefined || o.layout === 'mono') args.push('-ac', '1')
  args.push(...(codecs[ext] ?? []), ...(o.video ? (videoCodecs[ext] ?? []) : []))
  if (ext === 'aac') args.push('-f', 'adts')
  args.push('-t', String(seconds), file)
  execFileSync(ffmpegPath(), args)
  return file
}

/** A video file with no audio track at all. */
export function makeSilentVideo(dir: string, name: string, seconds = 2): string {
  const file = path.join(dir, name)
  execFileSync(ffmpegPath(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=10:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    file,
  ])
  return file
}

export interface MismatchedOptions {
  /** seconds of picture */
  videoSec: number
  /** seconds of sound */
  audioSec: number
  /** the sound starts this late on the file's timeline (an audio delay / start offset) */
  audioDelaySec?: number
}

/**
 * A video whose audio track is shorter than the picture or starts late, as screen recorders and
 * `-shortest` encodes produce: the container's duration is the picture's, the audio has its own.
 */
export function makeMismatchedVideo(dir: string, name: string, o: MismatchedOptions): string {
  const file = path.join(dir, name)
  const ext = path.extname(name).slice(1)
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=10:duration=${o.videoSec}`,
  ]
  if (o.audioDelaySec) args.push('-itsoffset', String(o.audioDelaySec))
  args.push('-f', 'lavfi', '-i', `anoisesrc=d=${o.audioSec}:r=44100:a=0.3`, '-ac', '1')
  args.push(...(codecs[ext] ?? []), ...(videoCodecs[ext] ?? []), file)
  execFileSync(ffmpegPath(), args)
  return file
}

/**
 * A file really cut short, as an interrupted download or copy leaves it: an MP4 whose index is at
 * the front (`+faststart`, as web videos are) keeps promising the full length, but only the first
 * `keep` of its bytes exist.
 */
export function makeCutShortMp4(dir: string, name: string, seconds: number, keep: number): string {
  const file = path.join(dir, name)
  execFileSync(ffmpegPath(), [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=d=${seconds}:r=44100:a=0.3`,
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=160x120:rate=10:duration=${seconds}`,
    '-ac',
    '1',
    ...codecs.mp4!,
    ...videoCodecs.mp4!,
    '-movflags',
    '+faststart',
    file,
  ])
  truncateSync(file, Math.floor(statSync(file).size * keep))
  return file
}
