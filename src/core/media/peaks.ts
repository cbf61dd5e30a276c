import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { keyedError } from '../../shared/errors'
import { atomicWrite } from '../store/safe-json-file'
import { monoAudioArgs } from './ffmpeg-input'
import { ffmpegPath } from './ffmpeg-path'

/** Peaks per second of audio: a tenth of a second each, fine enough to place a segment's edge by eye. */
export const PEAKS_PER_SEC = 10
/** Audio is read at this rate for the peaks: loudness needs no more. */
const PEAK_RATE = 8000

export interface Peaks {
  perSec: number
  /** the loudest sample of each stretch, 0..1, two decimals */
  peaks: number[]
}

/**
 * The audio's loudness, one peak per `1/PEAKS_PER_SEC` s, read with ffmpeg. Only a running
 * maximum is held, so memory stays flat however long the file.
 */
export function computePeaks(file: string, env?: NodeJS.ProcessEnv): Promise<Peaks> {
  const args = [...monoAudioArgs(file, undefined, PEAK_RATE), '-f', 's16le', '-acodec', 'pcm_s16le', '-']
  const perPeak = PEAK_RATE / PEAKS_PER_SEC
  return new Promise((resolve, reject) => {
    const proc = spawn(ffmpegPath(env), args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const peaks: number[] = []
    let max = 0
    let inPeak = 0
    let carry: Buffer | null = null
    let stderr = ''
    proc.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)))
    proc.stdout.on('data', (chunk: Buffer) => {
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk
      const whole = buf.length - (buf.length % 2)
      for (let i = 0; i < whole; i += 2) {
        const v = Math.abs(buf.readInt16LE(i))
        if (v > max) max = v
        if (++inPeak === perPeak) {
          peaks.push(Math.round((max / 32768) * 100) / 100)
          max = 0
          inPeak = 0
        }
      }
      carry = whole < buf.length ? buf.subarray(whole) : null
    })
    proc.on('error', reject)
    proc.on('close', (code) => {
      if (inPeak > 0) peaks.push(Math.round((max / 32768) * 100) / 100)
      if (code !== 0 && peaks.length === 0)
        reject(
          keyedError(
            'invalid-input',
            'waveform-unreadable',
            { detail: stderr.trim().split('\n').at(-1) ?? String(code) },
            `Could not read the audio for its waveform: ${stderr.trim().split('\n').at(-1) ?? code}`,
          ),
        )
      else resolve({ perSec: PEAKS_PER_SEC, peaks })
    })
  })
}

/**
 * A transcript's peaks, computed once and kept in the data folder (`peaks/<id>.json`) beside the
 * media's size and time, so a replaced file is read again.
 */
export async function cachedPeaks(dataDir: string, id: string, mediaPath: string, env?: NodeJS.ProcessEnv): Promise<Peaks> {
  const st = await fs.stat(mediaPath).catch(() => {
    throw keyedError(
      'not-found',
      'media-gone',
      { file: path.basename(mediaPath) },
      `The media file ${mediaPath} is not there any more: no waveform without it`,
    )
  })
  const file = peaksPath(dataDir, id)
  const stamp = { size: st.size, mtimeMs: st.mtimeMs }
  const kept = await fs
    .readFile(file, 'utf8')
    .then((t) => JSON.parse(t) as Peaks & { size: number; mtimeMs: number })
    .catch(() => null)
  if (kept && kept.size === stamp.size && kept.mtimeMs === stamp.mtimeMs && kept.perSec === PEAKS_PER_SEC)
    return { perSec: kept.perSec, peaks: kept.peaks }
  const peaks = await computePeaks(mediaPath, env)
  await fs.mkdir(path.dirname(file), { recursive: true })
  await atomicWrite(file, JSON.stringify({ ...stamp, ...peaks }))
  return peaks
}

export const peaksPath = (dataDir: string, id: string) => path.join(dataDir, 'peaks', `${path.basename(id)}.json`)
