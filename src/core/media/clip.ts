import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { SAMPLE_RATE } from './decode'
import { monoAudioArgs } from './ffmpeg-input'
import { ffmpegPath } from './ffmpeg-path'
import { MediaError } from './probe'

const run = promisify(execFile)

/**
 * One stretch of a file's audio, `fromSec` to `toSec` on the file's timeline (as the transcript
 * names times), as a 16 kHz mono WAV: what a re-transcription of a few segments works on.
 */
export async function clipToWav(
  file: string,
  fromSec: number,
  toSec: number,
  out: string,
  opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<void> {
  const args = [...monoAudioArgs(file, undefined, SAMPLE_RATE, { fromSec, toSec }), '-c:a', 'pcm_s16le', '-f', 'wav', '-y', out]
  try {
    await run(ffmpegPath(opts.env), args, { signal: opts.signal })
  } catch (err) {
    if (opts.signal?.aborted) throw err
    throw new MediaError(
      'corrupt',
      `This part of the file could not be read again (${(err as Error).message.split('\n').at(-1)}).`,
    )
  }
}
