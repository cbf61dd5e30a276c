import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SAMPLE_RATE, wavFile } from '../../src/core/media/decode'
import { ffmpegPath } from '../../src/core/media/ffmpeg-path'

/** A deterministic PRNG (mulberry32), so generated noise and speech are the same every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// formant frequencies (F1, F2, F3) of five vowels: a, i, e, u, o
const VOWELS = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [530, 1840, 2480],
  [300, 870, 2240],
  [570, 840, 2410],
] as const

/**
 * Voiced speech as a source-filter model makes it, without a speech engine: a glottal harmonic
 * series whose pitch wanders like intonation (about 100–175 Hz), shaped by vowel formants that
 * change every syllable, with syllables at 4 per second (the rate of real speech). Silero VAD
 * classifies this as speech (checked by the tests) while it ignores noise and tones.
 */
export function voicedSpeech(seconds: number, seed = 1): Float32Array {
  const n = Math.round(seconds * SAMPLE_RATE)
  const out = new Float32Array(n)
  let phase = 0
  let peak = 0
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE
    const f0 = 130 + 30 * Math.sin(2 * Math.PI * 0.7 * t + seed) + 15 * Math.sin(2 * Math.PI * 3.1 * t)
    phase += (2 * Math.PI * f0) / SAMPLE_RATE
    const syllable = Math.floor(t * 4)
    const vowel = VOWELS[(syllable * 7 + seed) % VOWELS.length]!
    const envelope = Math.sin(Math.PI * (t * 4 - syllable)) ** 2
    let x = 0
    for (let h = 1; h * f0 < 4000; h++) {
      const f = h * f0
      let gain = 0
      vowel.forEach((formant, k) => (gain += 1 / (1 + ((f - formant) / (80 + 40 * k)) ** 2)))
      x += (gain / h) * Math.sin(h * phase)
    }
    out[i] = envelope * x
    peak = Math.max(peak, Math.abs(out[i]!))
  }
  for (let i = 0; i < n; i++) out[i] = (out[i]! * 0.5) / peak
  return out
}

/** White noise, uniform in ±amplitude. */
export function whiteNoise(seconds: number, amplitude: number, seed = 7): Float32Array {
  const next = random(seed)
  const out = new Float32Array(Math.round(seconds * SAMPLE_RATE))
  for (let i = 0; i < out.length; i++) out[i] = (next() * 2 - 1) * amplitude
  return out
}

export const silence = (seconds: number) => new Float32Array(Math.round(seconds * SAMPLE_RATE))

/**
 * Real speech from espeak-ng (Debian package `espeak-ng`), resampled to 16 kHz mono with the bundled
 * ffmpeg, with the synthesizer's own leading and trailing silence trimmed so the speech's place in
 * a composed file is exact.
 */
export function spokenText(text: string, voice: { name?: string; pitch?: number } = {}): Float32Array {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-espeak-'))
  try {
    const raw = path.join(dir, 'speech.wav')
    try {
      const pitch = voice.pitch === undefined ? [] : ['-p', String(voice.pitch)]
      execFileSync('espeak-ng', ['-v', voice.name ?? 'en-us', ...pitch, '-s', '150', '-w', raw, text], { stdio: 'pipe' })
    } catch (err) {
      throw new Error(`espeak-ng is needed for the real-speech tests (apt-get install espeak-ng): ${(err as Error).message}`)
    }
    const pcm = execFileSync(
      ffmpegPath(),
      ['-hide_banner', '-loglevel', 'error', '-i', raw, '-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le', '-'],
      { maxBuffer: 1 << 28 },
    )
    const samples = toFloat(pcm)
    const loud = (x: number) => Math.abs(x) > 0.01
    const first = samples.findIndex(loud)
    const last = samples.findLastIndex(loud)
    return first < 0 ? new Float32Array(0) : samples.slice(first, last + 1)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface ComposedAudio {
  samples: Float32Array
  /** where each speech part is, in seconds */
  speech: { start: number; end: number }[]
  durationSec: number
}

/** Concatenate parts; those marked `speech` are remembered with their place. */
export function compose(parts: ({ speech: Float32Array } | { other: Float32Array })[]): ComposedAudio {
  const total = parts.reduce((n, p) => n + ('speech' in p ? p.speech : p.other).length, 0)
  const samples = new Float32Array(total)
  const speech: ComposedAudio['speech'] = []
  let at = 0
  for (const p of parts) {
    const chunk = 'speech' in p ? p.speech : p.other
    samples.set(chunk, at)
    if ('speech' in p) speech.push({ start: at / SAMPLE_RATE, end: (at + chunk.length) / SAMPLE_RATE })
    at += chunk.length
  }
  return { samples, speech, durationSec: total / SAMPLE_RATE }
}

/** Write 16 kHz mono s16le WAV, as the decoder does. */
export function writeWav(file: string, samples: Float32Array): string {
  const pcm = Buffer.alloc(samples.length * 2)
  for (let i = 0; i < samples.length; i++)
    pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767))), i * 2)
  writeFileSync(file, wavFile(pcm))
  return file
}

/** The samples of a 16 kHz mono s16le WAV with the decoder's 44-byte header. */
export function readWav(file: string): Int16Array {
  const data = readFileSync(file).subarray(44)
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length - (data.length % 2)))
}

function toFloat(pcm: Buffer): Float32Array {
  const out = new Float32Array(pcm.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2) / 32768
  return out
}
