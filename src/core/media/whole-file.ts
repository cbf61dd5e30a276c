import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { SAMPLE_RATE } from './decode'
import { monoAudioArgs } from './ffmpeg-input'
import { ffmpegPath } from './ffmpeg-path'
import { MediaError, probe } from './probe'

const run = promisify(execFile)

/** How much of the end is decoded to see that it is there. */
const TAIL_SEC = 3

/**
 * Does the file hold all the audio its container declares — is a copy or a download of it
 * finished? Size and time standing still are not enough: a copy that stalls looks the same. The
 * last seconds before the declared end are decoded; a file cut short has nothing there. A file
 * whose container declares no length (a raw MP3 stream) cannot tell and counts as whole; one
 * that cannot be read yet (an MP4 whose index is still to come) is not whole.
 */
export async function holdsDeclaredAudio(file: string, env?: NodeJS.ProcessEnv): Promise<boolean> {
  let info
  try {
    info = await probe(file, env)
  } catch (err) {
    if (err instanceof MediaError) return false
    throw err
  }
  const declared = info.audioDurationSec
  if (declared === null || declared <= 0) return true
  const end = info.audioStartSec + declared
  const tail = Math.min(TAIL_SEC, declared)
  const args = [
    ...monoAudioArgs(file, info.audioStreamIndex, SAMPLE_RATE, { fromSec: end - tail, toSec: end }),
    '-f',
    's16le',
    '-acodec',
    'pcm_s16le',
    '-',
  ]
  const out = await run(ffmpegPath(env), args, { encoding: 'buffer', maxBuffer: 4 * TAIL_SEC * SAMPLE_RATE * 2 }).catch(
    (err: { stdout?: Buffer }) => ({ stdout: err.stdout ?? Buffer.alloc(0) }),
  )
  const decodedSec = out.stdout.length / 2 / SAMPLE_RATE
  // a container's length may be a little over what decodes (an encoder's padding, rounding)
  return decodedSec >= (tail >= 2 ? tail - 1 : tail / 2)
}
