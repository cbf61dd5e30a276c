import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { z } from 'zod'
import { keyedError } from '../../shared/errors'
import { RECORDING_SAMPLE_RATE } from '../../shared/calls/recording-calls'
import { ffmpegPath } from '../media/ffmpeg-path'
import { Owner } from '../store/db-schema'
import { atomicWrite, PRIVATE_DIR_MODE } from '../store/safe-json-file'
import { safeUploadName, uploadsDir } from '../uploads/upload-store'

const run = promisify(execFile)

/** PCM bytes per second of recording (16-bit mono at 16 kHz). */
export const BYTES_PER_SEC = RECORDING_SAMPLE_RATE * 2

/** What survives a crash beside the audio: enough to finish the recording as its user meant. */
export const Manifest = z.object({
  id: z.string(),
  state: z.enum(['recording', 'paused', 'stopping']),
  startedAt: z.string(),
  language: z.string(),
  model: z.string(),
  deviceLabel: z.string(),
  /** the process recording it: a recording whose owner still runs is never "recovered" by another */
  owner: Owner,
})
export type Manifest = z.infer<typeof Manifest>

export const recordingsDir = (dataDir: string) => path.join(path.resolve(dataDir), 'recordings')
export const recordingDir = (dataDir: string, id: string) => path.join(recordingsDir(dataDir), id)
export const pcmPath = (dir: string) => path.join(dir, 'audio.pcm')
const manifestPath = (dir: string) => path.join(dir, 'manifest.json')

export async function writeManifest(dir: string, m: Manifest): Promise<void> {
  await atomicWrite(manifestPath(dir), JSON.stringify(m))
}

export async function readManifest(dir: string): Promise<Manifest | null> {
  const text = await fs.readFile(manifestPath(dir), 'utf8').catch(() => null)
  if (text === null) return null
  try {
    return Manifest.parse(JSON.parse(text))
  } catch {
    return null
  }
}

/** `fromSample`..`toSample` of a recording's PCM file (fewer where the file ends sooner). */
export async function readPcm(file: string, fromSample: number, toSample: number): Promise<Buffer> {
  const fd = await fs.open(file, 'r')
  try {
    const buf = Buffer.alloc(Math.max(0, toSample - fromSample) * 2)
    const { bytesRead } = await fd.read(buf, 0, buf.length, fromSample * 2)
    return buf.subarray(0, bytesRead - (bytesRead % 2))
  } finally {
    await fd.close()
  }
}

/**
 * The recording compressed to Opus in Ogg (about 4 MB an hour at 24 kbit/s, speech-grade), in a
 * per-upload folder of its own under uploads/, so it plays in the transcript view and goes when
 * its transcript is deleted, like a file the browser uploaded. Written under a temporary name and
 * renamed, so a half-written file is never kept.
 */
export async function encodeRecording(pcm: string, dataDir: string, name: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const folder = path.join(uploadsDir(dataDir), randomBytes(8).toString('hex'))
  await fs.mkdir(folder, { recursive: true, mode: PRIVATE_DIR_MODE })
  const out = path.join(folder, safeUploadName(`${name}.ogg`))
  const part = `${out}.part`
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 's16le', '-ar', String(RECORDING_SAMPLE_RATE), '-ac', '1']
  args.push('-i', pcm, '-c:a', 'libopus', '-b:a', '24k', '-application', 'voip', '-f', 'ogg', '-y', part)
  try {
    await run(ffmpegPath(env), args)
    await fs.rename(part, out)
    return out
  } catch (err) {
    await fs.rm(folder, { recursive: true, force: true })
    const detail = (err as Error).message.trim().split('\n').at(-1) ?? ''
    throw keyedError(
      'internal',
      'recording-compress-failed',
      { detail },
      `The recording could not be compressed (${detail}). Its audio is kept; try again.`,
    )
  }
}

/** "Recording 2026-11-28 09.15" in local time: the transcript's name in lists. */
export function recordingName(startedAt: string): string {
  const d = new Date(startedAt)
  const p = (n: number) => String(n).padStart(2, '0')
  return `Recording ${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}.${p(d.getMinutes())}.${p(d.getSeconds())}`
}
