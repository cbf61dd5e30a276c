// The engine does not wait for the file's timing probe: ffmpeg at trace level, a tenth of a second
// for ten minutes of mp4 and more the longer the file (it logs every index entry). Which stream to
// decode comes from a quick look at the streams; the timing (an audio delay, the declared length)
// is needed only once the first window's segments are placed. These pin what the user gets, with
// the real ffmpeg and an engine that only listens.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { PCM_DIR_PREFIX } from '../../src/core/media/decode'
import { ffmpegPath } from '../../src/core/media/ffmpeg-path'
import { MediaError } from '../../src/core/media/probe'
import { transcribeFile } from '../../src/core/transcribe/transcriber'
import type { WhisperServer } from '../../src/core/transcribe/whisper-server'
import { makeMismatchedVideo } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const params = { language: 'tr', translate: false, prompt: '' }

/** An engine that answers one segment per window and keeps each window's loudest sample. */
function listeningEngine() {
  const peaks: number[] = []
  const engine = {
    transcribe: async (wav: string) => {
      const pcm = readFileSync(wav).subarray(44)
      let peak = 0
      for (let i = 0; i + 1 < pcm.length; i += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(i)))
      peaks.push(peak)
      return { segments: [{ start: 0, end: 1, text: 'ses' }], language: 'tr' }
    },
  } as unknown as WhisperServer
  return { engine, peaks }
}

const ours = () => readdirSync(os.tmpdir()).filter((n) => n.startsWith(`${PCM_DIR_PREFIX}${process.pid}-`))

describe('decoding beside the probe', () => {
  it('a file whose default audio stream is not the one ffmpeg picks is transcribed from its default stream', async () => {
    // stream 0: stereo silence (ffmpeg's own pick), stream 1: a mono tone marked default
    const file = path.join(tempDir(), 'iki.ses.izi — çift.mkv')
    execFileSync(ffmpegPath(), [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-f', 'lavfi', '-i', 'sine=f=440:r=16000'],
      ...['-t', '3', '-map', '0:a', '-map', '1:a', '-c:a', 'flac', '-disposition:a:0', '0', '-disposition:a:1', 'default', file],
    ])
    const { engine, peaks } = listeningEngine()
    const out = await transcribeFile(file, engine, params)
    expect(out.info.audioStreamIndex).toBe(1)
    expect(peaks).toHaveLength(1)
    expect(peaks[0]).toBeGreaterThan(1000)
    expect(out.audioSec).toBeCloseTo(3, 1)
    expect(ours()).toEqual([])
  })

  it('a file with one audio stream is transcribed whole, once', async () => {
    const file = path.join(tempDir(), 'tek.m4a')
    execFileSync(ffmpegPath(), [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=300:r=44100', '-t', '40', '-ac', '2', file],
    ])
    const { engine, peaks } = listeningEngine()
    const out = await transcribeFile(file, engine, params)
    // 30 s first window, then the rest
    expect(peaks).toHaveLength(2)
    expect(Math.min(...peaks)).toBeGreaterThan(1000)
    expect(out.audioSec).toBeGreaterThan(39.9)
    expect(out.partial).toBeNull()
    expect(ours()).toEqual([])
  })

  it('the first window reaches the engine while the timing probe is still running', async () => {
    // sound that starts 2 s into the picture: the timing probe is what says so
    const file = makeMismatchedVideo(tempDir(), 'gecikmeli.ses.mp4', { videoSec: 40, audioSec: 38, audioDelaySec: 2 })
    // ffmpeg as the app runs it, except that the timing probe (trace level) waits until the
    // engine has had its first window, and marks when it is done
    const dir = tempDir()
    const heard = path.join(dir, 'engine-heard')
    const probed = path.join(dir, 'trace-probe-done')
    const wrapper = path.join(dir, 'ffmpeg')
    writeFileSync(
      wrapper,
      `#!/bin/sh
case " $* " in
  *" trace "*) i=0; while [ ! -e '${heard}' ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
    '${ffmpegPath()}' "$@"; code=$?; : > '${probed}'; exit $code ;;
esac
exec '${ffmpegPath()}' "$@"
`,
    )
    chmodSync(wrapper, 0o755)
    const order: string[] = []
    const engine = {
      transcribe: async () => {
        order.push(existsSync(probed) ? 'window after the timing probe' : 'window before the timing probe')
        writeFileSync(heard, '')
        return { segments: [{ start: 0.5, end: 1, text: 'ses' }], language: 'tr' }
      },
    } as unknown as WhisperServer
    const out = await transcribeFile(file, engine, params, { env: { ...process.env, MP4TOTEXT_FFMPEG: wrapper } })
    expect(order[0]).toBe('window before the timing probe')
    // and the timing still places the segments on the file's timeline
    expect(out.info.audioStartSec).toBeCloseTo(2, 1)
    expect(out.segments[0]!.start).toBeCloseTo(2.5, 1)
    expect(out.partial).toBeNull()
    expect(ours()).toEqual([])
  })

  it('a cancel during the first window also stops the timing probe', async () => {
    const file = makeMismatchedVideo(tempDir(), 'iptal.mp4', { videoSec: 40, audioSec: 40 })
    // the timing probe never finishes by itself here (as on a huge file), and says who it is
    const dir = tempDir()
    const pidFile = path.join(dir, 'trace-probe.pid')
    const wrapper = path.join(dir, 'ffmpeg')
    writeFileSync(
      wrapper,
      `#!/bin/sh
case " $* " in
  *" trace "*) echo $$ > '${pidFile}'; i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done ;;
esac
exec '${ffmpegPath()}' "$@"
`,
    )
    chmodSync(wrapper, 0o755)
    const ac = new AbortController()
    const engine = {
      transcribe: async () => {
        await vi.waitFor(() => expect(existsSync(pidFile)).toBe(true), { timeout: 20_000 })
        ac.abort()
        throw new AppError('cancelled', 'Cancelled')
      },
    } as unknown as WhisperServer
    const err = await transcribeFile(file, engine, params, {
      env: { ...process.env, MP4TOTEXT_FFMPEG: wrapper },
      signal: ac.signal,
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'cancelled' })
    const pid = Number(readFileSync(pidFile, 'utf8'))
    const alive = () => {
      try {
        process.kill(pid, 0)
        return true
      } catch {
        return false
      }
    }
    await vi.waitFor(() => expect(alive()).toBe(false), { timeout: 20_000 })
    expect(ours()).toEqual([])
  }, 60_000)

  it("a file the probe refuses keeps the probe's reason and leaves nothing behind", async () => {
    const noAudio = path.join(tempDir(), 'sessiz.mp4')
    execFileSync(ffmpegPath(), [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=2'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', noAudio],
    ])
    const notMedia = path.join(tempDir(), 'notlar.txt.mp3')
    writeFileSync(notMedia, 'bu bir ses dosyası değil\n'.repeat(100))
    const { engine, peaks } = listeningEngine()
    const reasons: string[] = []
    for (const f of [noAudio, notMedia]) {
      const err = await transcribeFile(f, engine, params).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(MediaError)
      reasons.push((err as MediaError).reason)
    }
    expect(reasons).toEqual(['no-audio', 'not-media'])
    expect(peaks).toEqual([])
    expect(ours()).toEqual([])
  })
})
