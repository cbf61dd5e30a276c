import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { ffmpegPath } from '../../src/core/media/ffmpeg-path'

export interface ToneOptions {
  seconds?: number
  freq?: number
  sampleRate?: number
  /** 'mono', 'stereo', or 'stereo-inverted' (right = −left, so a correct mono mix is silence) */
  layout?: 'mono' | 'stereo' | 'stereo-inverted'
  video?: boolean
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
  if (o.video) args.push('-f', 'lavfi', '-i', `testsrc=size=160x120:rate=10:duration=${seconds}`)
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
