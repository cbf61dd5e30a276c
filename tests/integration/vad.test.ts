import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { SAMPLE_RATE, wavFile } from '../../src/core/media/decode'
import { mapBack, packPieces, padRegions, planSpeechPieces, type TimeRange } from '../../src/core/vad/speech-pieces'
import { detectSpeech } from '../../src/core/vad/speech-regions'
import { speechOnlyWav } from '../../src/core/vad/speech-wav'
import { sherpaOnnxPath, VAD_MODEL_FILE, vadModelPath } from '../../src/core/vad/vad-model'
import { readWavInfo } from '../../src/core/vad/wav-file'
import { compose, readWav, silence, spokenText, voicedSpeech, whiteNoise, writeWav } from '../helpers/speech-audio'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

/** How far a region may reach past the speech it found: Silero's 32 ms windows, its pre-roll, the padding. */
const SLACK = 0.5

function expectRegionsOnSpeech(regions: TimeRange[], speech: TimeRange[], paddingSec: number) {
  // every region lies on a speech part (never in silence or noise alone)...
  for (const r of regions) {
    const on = speech.find((s) => r.start < s.end && r.end > s.start)
    expect(on, `region ${r.start}–${r.end} is in silence`).toBeDefined()
    expect(r.start).toBeGreaterThanOrEqual(on!.start - paddingSec - SLACK)
    expect(r.end).toBeLessThanOrEqual(on!.end + paddingSec + SLACK)
  }
  // ...and every speech part is mostly covered
  for (const s of speech) {
    const covered = regions.reduce((sum, r) => sum + Math.max(0, Math.min(r.end, s.end) - Math.max(r.start, s.start)), 0)
    expect(covered / (s.end - s.start), `speech ${s.start}–${s.end} covered`).toBeGreaterThan(0.7)
  }
}

describe('speech pieces (pure)', () => {
  it('pads regions, clamps them to the audio and merges those the padding joins', () => {
    expect(
      padRegions(
        [
          { start: 5, end: 6 },
          { start: 0.1, end: 1 },
          { start: 6.5, end: 7 },
          { start: 9.8, end: 10 },
        ],
        0.4,
        10,
      ),
    ).toEqual([
      { start: 0, end: 1.4 },
      { start: 4.6, end: 7.4 },
      { start: 9.4, end: 10 },
    ])
  })

  it('merges regions across gaps shorter than mergeGapSec, never past maxPieceSec', () => {
    const regions = [
      { start: 0, end: 4 },
      { start: 5, end: 9 }, // 1 s gap: same piece
      { start: 12, end: 14 }, // 3 s gap: cut
      { start: 15, end: 28 }, // 1 s gap, but 12 + … would reach 16 s > 15: a new piece
      { start: 29, end: 31 },
    ]
    expect(planSpeechPieces(regions, { mergeGapSec: 2, maxPieceSec: 15 })).toEqual([
      { start: 0, end: 9 },
      { start: 12, end: 14 },
      { start: 15, end: 28 },
      { start: 29, end: 31 },
    ])
    // a region longer than maxPieceSec stays whole
    expect(planSpeechPieces([{ start: 0, end: 40 }], { maxPieceSec: 30 })).toEqual([{ start: 0, end: 40 }])
    expect(planSpeechPieces([])).toEqual([])
  })

  it('packs pieces back to back on whole samples, with joins and a minimum length', () => {
    const layout = packPieces(
      [
        { start: 1.00003, end: 2 },
        { start: 5, end: 5.5 },
      ],
      { sampleRate: SAMPLE_RATE, joinSec: 0.25 },
    )
    expect(layout.pieces).toEqual([
      { sourceStart: 1, sourceEnd: 2, packedStart: 0 },
      { sourceStart: 5, sourceEnd: 5.5, packedStart: 1.25 },
    ])
    expect(layout.speechSec).toBe(1.5)
    expect(layout.packedSec).toBe(1.75)
    // whisper.cpp needs 1 s: a short piece is padded with silence
    expect(packPieces([{ start: 3, end: 3.3 }], { sampleRate: SAMPLE_RATE }).packedSec).toBe(1)
    expect(packPieces([], { sampleRate: SAMPLE_RATE })).toEqual({ pieces: [], packedSec: 0, speechSec: 0 })
  })

  it('maps segment times on the packed audio back to the source timeline', () => {
    const layout = packPieces(
      [
        { start: 10, end: 14 },
        { start: 60, end: 63 },
      ],
      { sampleRate: SAMPLE_RATE, joinSec: 0.5 },
    )
    // pieces: 0–4 → 10–14, then a 0.5 s join, 4.5–7.5 → 60–63
    expect(mapBack(layout, { start: 1, end: 3 })).toEqual({ start: 11, end: 13 })
    expect(mapBack(layout, { start: 5, end: 7 })).toEqual({ start: 60.5, end: 62.5 })
    // a start in the join belongs to the speech after it, an end there to the speech before
    expect(mapBack(layout, { start: 4.2, end: 6 })).toEqual({ start: 60, end: 61.5 })
    expect(mapBack(layout, { start: 2, end: 4.3 })).toEqual({ start: 12, end: 14 })
    // exactly at a boundary: start goes forward, end stays back
    expect(mapBack(layout, { start: 4, end: 4 })).toEqual({ start: 60, end: 60 })
    // spanning the join: start in one piece, end in the other
    expect(mapBack(layout, { start: 3, end: 5.5 })).toEqual({ start: 13, end: 61 })
    // past the end (trailing padding, a confused model) clamps to the last piece
    expect(mapBack(layout, { start: 9, end: 12 })).toEqual({ start: 63, end: 63 })
    expect(mapBack(layout, { start: -1, end: 0.5 })).toEqual({ start: 10, end: 10.5 })
    expect(() => mapBack({ pieces: [], packedSec: 0, speechSec: 0 }, { start: 0, end: 1 })).toThrow()
  })
})

describe('WAV headers', () => {
  it('finds the data after other chunks and refuses audio that is not 16 kHz mono 16-bit', async () => {
    const dir = tempDir()
    const plain = writeWav(path.join(dir, 'plain.wav'), silence(1.5))
    expect(await readWavInfo(plain)).toMatchObject({ dataOffset: 44, dataBytes: 48_000, durationSec: 1.5 })

    // a LIST chunk between fmt and data, as many writers add
    const base = wavFile(Buffer.alloc(3200))
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([6, 0, 0, 0]), Buffer.from('INFOab')])
    const withList = Buffer.concat([base.subarray(0, 36), list, base.subarray(36)])
    withList.writeUInt32LE(withList.length - 8, 4)
    writeFileSync(path.join(dir, 'list.wav'), withList)
    expect(await readWavInfo(path.join(dir, 'list.wav'))).toMatchObject({ dataOffset: 58, dataBytes: 3200 })

    const stereo = Buffer.from(base)
    stereo.writeUInt16LE(2, 22)
    writeFileSync(path.join(dir, 'stereo.wav'), stereo)
    await expect(readWavInfo(path.join(dir, 'stereo.wav'))).rejects.toThrow(/2 channel\(s\).*needs 16 kHz mono 16-bit PCM/)
    writeFileSync(path.join(dir, 'text.wav'), 'not audio at all')
    await expect(readWavInfo(path.join(dir, 'text.wav'))).rejects.toThrow(/text\.wav is not a WAV file/)
  })
})

describe('speech detection with the real Silero VAD v5', () => {
  it('finds generated voiced speech between silences and noise, and nothing in them', async () => {
    const dir = tempDir()
    const audio = compose([
      { other: silence(3) },
      { speech: voicedSpeech(4, 1) },
      { other: silence(5) },
      { speech: voicedSpeech(2.5, 11) },
      { other: whiteNoise(4, 0.05) },
    ])
    const wav = writeWav(path.join(dir, 'voiced.wav'), audio.samples)
    const regions = await detectSpeech(wav, { paddingSec: 0 })
    expect(regions.length).toBeGreaterThanOrEqual(2)
    expectRegionsOnSpeech(regions, audio.speech, 0)

    // padding widens each region, clamped to the file
    const padded = await detectSpeech(wav, { paddingSec: 0.4 })
    expectRegionsOnSpeech(padded, audio.speech, 0.4)
    expect(padded[0]!.start).toBeLessThan(regions[0]!.start)
    expect(padded.at(-1)!.end).toBeLessThanOrEqual(audio.durationSec)
  })

  it('finds real speech (espeak-ng) where it is spoken', async () => {
    const dir = tempDir()
    const audio = compose([
      { other: silence(4) },
      { speech: spokenText('The quick brown fox jumps over the lazy dog. Speech detection finds the words in a recording.') },
      { other: silence(6) },
      { speech: spokenText('Thank you for listening.') },
      { other: silence(3) },
    ])
    const wav = writeWav(path.join(dir, 'spoken.wav'), audio.samples)
    const regions = await detectSpeech(wav, { paddingSec: 0.2 })
    expectRegionsOnSpeech(regions, audio.speech, 0.2)
  })

  it('finds nothing in an all-silent file or in noise', async () => {
    const dir = tempDir()
    expect(await detectSpeech(writeWav(path.join(dir, 'silent.wav'), silence(12)))).toEqual([])
    expect(await detectSpeech(writeWav(path.join(dir, 'hiss.wav'), whiteNoise(12, 0.02)))).toEqual([])
    expect(await detectSpeech(writeWav(path.join(dir, 'loud-noise.wav'), whiteNoise(12, 0.5, 3)))).toEqual([])
    expect(await detectSpeech(writeWav(path.join(dir, 'empty.wav'), silence(0)))).toEqual([])
  })

  it('runs off the main thread: timers fire while it works, progress is reported', async () => {
    const dir = tempDir()
    const audio = compose([{ other: silence(40) }, { speech: voicedSpeech(5) }, { other: whiteNoise(45, 0.03) }])
    const wav = writeWav(path.join(dir, 'long.wav'), audio.samples)
    let ticks = 0
    const timer = setInterval(() => ticks++, 1)
    const progress: number[] = []
    let ticksAtFirstProgress = -1
    let ticksWhenDone = -1
    const onProgress = (s: number) => {
      if (progress.length === 0) ticksAtFirstProgress = ticks
      progress.push(s)
    }
    const regions = await detectSpeech(wav, {}, { onProgress }).finally(() => {
      ticksWhenDone = ticks
      clearInterval(timer)
    })
    expectRegionsOnSpeech(regions, audio.speech, 0.4)
    // Between the first progress report (30 s of audio examined) and the end, the detector was
    // busy with the other 60 s. Had it run on this thread, the event loop would have been held
    // the whole time and the timer could not have fired in between.
    expect(ticksAtFirstProgress).toBeGreaterThanOrEqual(0)
    expect(ticksWhenDone).toBeGreaterThan(ticksAtFirstProgress)
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })

  it('stops at once when cancelled', async () => {
    const dir = tempDir()
    const wav = writeWav(path.join(dir, 'cancel.wav'), whiteNoise(120, 0.03))
    const ac = new AbortController()
    const run = detectSpeech(wav, {}, { signal: ac.signal, onProgress: () => ac.abort() })
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
    const pre = new AbortController()
    pre.abort()
    await expect(detectSpeech(wav, {}, { signal: pre.signal })).rejects.toMatchObject({ code: 'cancelled' })
  })

  it("finds the model in a packaged app's resources and sherpa-onnx outside app.asar", () => {
    const resources = tempDir()
    mkdirSync(path.join(resources, 'models'))
    copyFileSync(vadModelPath(), path.join(resources, 'models', VAD_MODEL_FILE))
    expect(vadModelPath({ resourcesDir: resources })).toBe(path.join(resources, 'models', VAD_MODEL_FILE))
    // a checkout: resources/models at the project root
    expect(vadModelPath()).toBe(path.resolve(import.meta.dirname, '../../resources/models', VAD_MODEL_FILE))
    expect(existsSync(sherpaOnnxPath())).toBe(true)
  })

  it('refuses a damaged or missing model with a clear message instead of crashing the process', async () => {
    const dir = tempDir()
    const wav = writeWav(path.join(dir, 'a.wav'), silence(2))
    const damaged = path.join(dir, 'silero_vad_v5.onnx')
    copyFileSync(vadModelPath(), damaged)
    writeFileSync(damaged, Buffer.from('garbage'), { flag: 'r+' })
    const env = { ...process.env, MP4TOTEXT_VAD_MODEL: damaged }
    await expect(detectSpeech(wav, {}, { env })).rejects.toThrow(/model .* is damaged .*--no-vad/)
    const missing = { ...process.env, MP4TOTEXT_VAD_MODEL: path.join(dir, 'nope.onnx') }
    await expect(detectSpeech(wav, {}, { env: missing })).rejects.toThrow(/model was not found .*Reinstall the app/)
    const err = await detectSpeech(wav, { threshold: 1.5 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/threshold must be between 0 and 1/) })
  })
})

describe('speech-only audio for the engine', () => {
  it('writes only the speech pieces, sample for sample, and maps times back', async () => {
    const dir = tempDir()
    const first = voicedSpeech(3, 2)
    const second = voicedSpeech(3, 4)
    const audio = compose([
      { other: silence(20) },
      { speech: first },
      { other: silence(20) },
      { speech: second },
      { other: silence(10) },
    ])
    const source = writeWav(path.join(dir, 'window.wav'), audio.samples)
    const out = path.join(dir, 'speech.wav')
    const r = await speechOnlyWav(source, out, { vad: { paddingSec: 0.4 }, joinSec: 0 })
    expect(r.sourceSec).toBe(audio.durationSec)
    expect(r.layout.pieces.length).toBe(2) // 20 s apart: never merged
    // far less audio goes to the engine than the 56 s window
    expect(r.layout.packedSec).toBeLessThan(10)
    expect(r.layout.packedSec).toBeGreaterThan(5)

    const src = readWav(source)
    const packed = readWav(out)
    expect(packed.length).toBe(Math.round(r.layout.packedSec * SAMPLE_RATE))
    for (const p of r.layout.pieces) {
      const s0 = Math.round(p.sourceStart * SAMPLE_RATE)
      const n = Math.round((p.sourceEnd - p.sourceStart) * SAMPLE_RATE)
      const at = Math.round(p.packedStart * SAMPLE_RATE)
      expect(packed.subarray(at, at + n)).toEqual(src.subarray(s0, s0 + n))
    }
    // a segment the engine reports at 1–2 s of the second piece lands in the second speech part
    const second0 = r.layout.pieces[1]!.packedStart
    const mapped = mapBack(r.layout, { start: second0 + 1, end: second0 + 2 })
    expect(mapped.start).toBeGreaterThan(audio.speech[1]!.start)
    expect(mapped.end).toBeLessThan(audio.speech[1]!.end)
  })

  it('writes nothing when there is no speech', async () => {
    const dir = tempDir()
    const source = writeWav(path.join(dir, 'quiet.wav'), silence(8))
    const out = path.join(dir, 'speech.wav')
    const r = await speechOnlyWav(source, out)
    expect(r.layout.pieces).toEqual([])
    expect(r.regions).toEqual([])
    await expect(readWavInfo(out)).rejects.toThrow()
  })
})
