import { existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeWindows, SAMPLE_RATE, wavFile } from '../../src/core/media/decode'
import { probe } from '../../src/core/media/probe'
import { makeMedia, makeSilentVideo } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

async function decodeAll(file: string, windowSec = 600): Promise<{ samples: Int16Array; windows: number[] }> {
  const parts: Buffer[] = []
  const windows: number[] = []
  for await (const w of decodeWindows(file, windowSec)) {
    const wav = readFileSync(w.wavPath)
    expect(wav.subarray(0, 4).toString()).toBe('RIFF')
    expect(wav.readUInt32LE(40)).toBe(wav.length - 44)
    parts.push(wav.subarray(44))
    windows.push(w.startSec)
  }
  const b = Buffer.concat(parts)
  return { samples: new Int16Array(b.buffer, b.byteOffset, b.length / 2), windows }
}

/** Frequency by counting rising zero crossings: plenty for a clean sine. */
function frequency(s: Int16Array): number {
  let crossings = 0
  for (let i = 1; i < s.length; i++) if (s[i - 1]! < 0 && s[i]! >= 0) crossings++
  return crossings / (s.length / SAMPLE_RATE)
}
const rms = (s: Int16Array) => Math.sqrt(s.reduce((a, x) => a + x * x, 0) / s.length)

describe('decoding any container to 16 kHz mono', () => {
  const containers = ['mp4', 'mkv', 'webm', 'mov', 'avi', 'mp3', 'm4a', 'aac', 'wav', 'flac', 'ogg', 'opus']
  for (const ext of containers) {
    it(`${ext}: duration within 20 ms, 440 Hz stays 440 Hz`, async () => {
      const video = ['mp4', 'mkv', 'webm', 'mov', 'avi'].includes(ext)
      const file = makeMedia(tempDir(), `tone.${ext}`, { seconds: 3, video })
      const info = await probe(file)
      expect(info.hasAudio).toBe(true)
      expect(info.hasVideo).toBe(video)
      const { samples } = await decodeAll(file)
      // Raw ADTS AAC and MP3-in-AVI carry no record of the encoder's priming and padding
      // (about 2 frames), so for those two the decoded length can only be as exact as that.
      const tolerance = ext === 'aac' || ext === 'avi' ? 0.05 : 0.02
      expect(Math.abs(samples.length / SAMPLE_RATE - 3)).toBeLessThanOrEqual(tolerance)
      expect(Math.abs(frequency(samples.subarray(SAMPLE_RATE / 2, SAMPLE_RATE * 2.5)) - 440)).toBeLessThan(3)
    })
  }

  it('wav and flac keep the duration within 20 ms exactly', async () => {
    for (const ext of ['wav', 'flac']) {
      const { samples } = await decodeAll(makeMedia(tempDir(), `t.${ext}`, { seconds: 2.5 }))
      expect(Math.abs(samples.length / SAMPLE_RATE - 2.5)).toBeLessThanOrEqual(0.02)
    }
  })

  it('8 kHz and 48 kHz inputs come out at 16 kHz', async () => {
    for (const rate of [8000, 48_000]) {
      const file = makeMedia(tempDir(), `r${rate}.wav`, { seconds: 2, sampleRate: rate })
      expect((await probe(file)).sampleRate).toBe(rate)
      const { samples } = await decodeAll(file)
      expect(samples.length).toBe(2 * SAMPLE_RATE)
      expect(Math.abs(frequency(samples) - 440)).toBeLessThan(3)
    }
  })

  it('mixes stereo to mono: opposite channels cancel, equal channels keep the level', async () => {
    const dir = tempDir()
    const same = await decodeAll(makeMedia(dir, 'same.wav', { layout: 'stereo' }))
    const inverted = await decodeAll(makeMedia(dir, 'inv.wav', { layout: 'stereo-inverted' }))
    expect((await probe(path.join(dir, 'same.wav'))).channels).toBe(2)
    expect(rms(same.samples)).toBeGreaterThan(1000)
    expect(rms(inverted.samples)).toBeLessThan(rms(same.samples) / 100)
  })

  it('cuts long input into WAV windows with continuous offsets, nothing lost, temp files removed', async () => {
    const file = makeMedia(tempDir(), 'long.flac', { seconds: 25 })
    const { samples, windows } = await decodeAll(file, 10)
    expect(windows).toEqual([0, 10, 20])
    expect(samples.length).toBe(25 * SAMPLE_RATE)
    const seen: string[] = []
    for await (const w of decodeWindows(file, 10)) seen.push(w.wavPath)
    expect(seen.map((p) => existsSync(p))).toEqual([false, false, false])
  })

  it('a last piece shorter than a second joins the window before it instead of being a window of its own', async () => {
    // AAC's priming makes a 10-minute file decode to 600.004 s: a third window of 2 ms cost a
    // whole engine request (and whisper-server answers 500 for fewer than ~40 samples)
    const dir = tempDir()
    const noiseWav = (name: string, samples: number) => {
      const pcm = Buffer.alloc(samples * 2)
      for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(Math.sin(i / 7) * 8000), i * 2)
      const file = path.join(dir, name)
      writeFileSync(file, wavFile(pcm))
      return file
    }
    const shapes: Array<[samples: number, starts: number[], lastSec: number]> = [
      [20 * SAMPLE_RATE + 32, [0, 10], 10.002], // 2 ms over: folded
      [20 * SAMPLE_RATE + 14_400, [0, 10], 10.9], // 0.9 s over: folded
      [21 * SAMPLE_RATE + 8_000, [0, 10, 20], 1.5], // 1.5 s over: a window of its own
      [20 * SAMPLE_RATE, [0, 10], 10], // exact: nothing held back, nothing added
      [SAMPLE_RATE / 2, [0], 0.5], // shorter than one window: one window
    ]
    for (const [samples, starts, lastSec] of shapes) {
      const file = noiseWav(`shape-${samples}.wav`, samples)
      const got: Array<{ startSec: number; durationSec: number; bytes: number }> = []
      for await (const w of decodeWindows(file, 10))
        got.push({ startSec: w.startSec, durationSec: w.durationSec, bytes: readFileSync(w.wavPath).length - 44 })
      expect(got.map((w) => w.startSec)).toEqual(starts)
      expect(got.at(-1)!.durationSec).toBeCloseTo(lastSec, 6)
      // nothing lost, nothing doubled: every sample in exactly one window, headers agree
      expect(got.reduce((a, w) => a + w.bytes, 0)).toBe(samples * 2)
      expect(got.map((w) => w.bytes / 2 / SAMPLE_RATE)).toEqual(got.map((w) => w.durationSec))
    }
  })

  it('a window ends in the pause just before its length when there is one, never inside a sound', async () => {
    // a cut through a word loses it on both sides; whisper itself ends its pieces at pauses
    const dir = tempDir()
    const samples = 25 * SAMPLE_RATE
    const pcm = Buffer.alloc(samples * 2)
    let seed = 7
    const noise = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5) * 16_000
    const pause = (sec: number) => sec >= 8.6 && sec < 8.8 // 200 ms of silence 1.3 s before the 10 s mark
    for (let i = 0; i < samples; i++) pcm.writeInt16LE(pause(i / SAMPLE_RATE) ? 0 : Math.round(noise()), i * 2)
    const file = path.join(dir, 'pause.wav')
    writeFileSync(file, wavFile(pcm))
    const got: Array<{ startSec: number; durationSec: number }> = []
    let total = 0
    for await (const w of decodeWindows(file, 10)) {
      got.push({ startSec: w.startSec, durationSec: w.durationSec })
      total += readFileSync(w.wavPath).length - 44
    }
    expect(got[0]!.durationSec).toBeGreaterThan(8.6)
    expect(got[0]!.durationSec).toBeLessThan(8.8)
    // the next window starts where the first ended and is cut at full length (no pause near it)
    expect(got[1]!.startSec).toBe(got[0]!.durationSec)
    expect(got[1]!.durationSec).toBe(10)
    expect(total).toBe(samples * 2)
  })

  it('the first window can be shorter than the rest, so the engine starts sooner', async () => {
    const file = makeMedia(tempDir(), 'first.flac', { seconds: 70, noise: true, sampleRate: 16_000 })
    const got: number[] = []
    for await (const w of decodeWindows(file, 300, { firstWindowSec: 30 })) got.push(w.durationSec)
    expect(got).toEqual([30, 40])
  })

  it('handles paths with spaces and non-ASCII characters', async () => {
    const dir = path.join(tempDir(), 'klasör adı')
    mkdirSync(dir)
    const file = makeMedia(dir, 'kayıt ğüşiöç çalışma.mp3', { seconds: 1 })
    expect((await probe(file)).durationSec).toBeGreaterThan(0.9)
    expect((await decodeAll(file)).samples.length).toBeGreaterThan(SAMPLE_RATE * 0.9)
  })
})

describe('broken input gets a clear error', () => {
  it('missing, folder, empty, not media, no audio stream, truncated', async () => {
    const dir = tempDir()
    await expect(probe(path.join(dir, 'nope.mp4'))).rejects.toMatchObject({
      reason: 'missing',
      message: expect.stringContaining('File not found'),
    })
    await expect(probe(dir)).rejects.toMatchObject({ reason: 'unreadable', message: expect.stringContaining('is a folder') })
    writeFileSync(path.join(dir, 'empty.mp3'), '')
    await expect(probe(path.join(dir, 'empty.mp3'))).rejects.toMatchObject({
      reason: 'empty',
      message: expect.stringContaining('is empty'),
    })
    writeFileSync(path.join(dir, 'notes.mp4'), 'this is just some text, not a video at all\n'.repeat(50))
    await expect(probe(path.join(dir, 'notes.mp4'))).rejects.toMatchObject({ reason: 'not-media' })
    await expect(probe(makeSilentVideo(dir, 'silent.mp4'))).rejects.toMatchObject({
      reason: 'no-audio',
      message: expect.stringContaining('no audio stream'),
    })
    // a WAV cut short: ffmpeg measures what is there; the length is the one its header declares
    const wav = makeMedia(dir, 'yarım.wav', { seconds: 6, sampleRate: 16_000 })
    truncateSync(wav, Math.floor(readFileSync(wav).length / 3))
    const cutWav = await probe(wav)
    expect(cutWav.durationSec).toBeLessThan(3)
    expect(cutWav.audioDurationSec).toBeCloseTo(6, 1)
    const cut = makeMedia(dir, 'cut.mp4', { seconds: 3, video: true })
    truncateSync(cut, Math.floor(readFileSync(cut).length / 3))
    await expect(probe(cut)).rejects.toMatchObject({ reason: expect.stringMatching(/corrupt|not-media/) })
  })
})
