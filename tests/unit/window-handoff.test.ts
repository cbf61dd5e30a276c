// The decoder removes its temp folder as soon as it is asked for the window after the last one.
// The transcriber must have taken the last window's file by then: asking first and taking the
// file after was a race, lost now and then on a loaded machine ("ENOENT … window-0.wav"), which
// failed a one-window file. Here the decoder wins that race every time.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type * as decode from '../../src/core/media/decode'
import { wavFile } from '../../src/core/media/decode'
import type { WhisperServer } from '../../src/core/transcribe/whisper-server'
import { useTempDirs } from '../helpers/temp-dir'

vi.mock('../../src/core/media/decode', async (importOriginal) => {
  const real = await importOriginal<typeof decode>()
  return {
    ...real,
    // one window, and the folder gone the moment the next one is asked for (no await in between)
    async *decodeWindows() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'handoff-'))
      const wavPath = path.join(dir, 'window-0.wav')
      writeFileSync(wavPath, real.wavFile(Buffer.alloc(32_000 * 2)))
      yield { wavPath, startSec: 0, durationSec: 2 }
      rmSync(dir, { recursive: true, force: true })
      return { decodedSec: 2, readError: null }
    },
  }
})

const tempDir = useTempDirs()

describe('handing a window from the decoder to the engine', () => {
  it('the last window reaches the engine even when the decoder cleans up at once', async () => {
    const { transcribeFile } = await import('../../src/core/transcribe/transcriber')
    const file = path.join(tempDir(), 'bir pencere.wav')
    writeFileSync(file, wavFile(Buffer.alloc(32_000 * 2)))
    const seen: number[] = []
    const engine = {
      transcribe: async (wav: string) => {
        seen.push(statSync(wav).size)
        return { segments: [{ start: 0, end: 1, text: 'merhaba' }], language: 'tr' }
      },
    } as unknown as WhisperServer
    const out = await transcribeFile(file, engine, { language: 'tr', translate: false, prompt: '' })
    expect(seen).toEqual([44 + 64_000])
    expect(out.segments.map((s) => s.text)).toEqual(['merhaba'])
  })
})
