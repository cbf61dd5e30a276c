// Decoding starts while the file is still being probed (the probe's tenth of a second was the
// engine's to wait). That early decode takes ffmpeg's own pick of audio stream: right for a file
// with one, wrong for a file whose default stream is not the one ffmpeg would pick. These pin
// what the user gets either way, with the real ffmpeg and an engine that only listens.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { PCM_DIR_PREFIX } from '../../src/core/media/decode'
import { ffmpegPath } from '../../src/core/media/ffmpeg-path'
import { MediaError } from '../../src/core/media/probe'
import { transcribeFile } from '../../src/core/transcribe/transcriber'
import type { WhisperServer } from '../../src/core/transcribe/whisper-server'
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

  it("a file the probe refuses keeps the probe's reason, and the early decode leaves nothing behind", async () => {
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
