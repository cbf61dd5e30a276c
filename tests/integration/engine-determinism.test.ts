import { execFileSync } from 'node:child_process'
import { copyFileSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeWindows } from '../../src/core/media/decode'
import { whisperServerPath } from '../../src/core/transcribe/engine-paths'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

const WINDOW_SEC = 10
const THREADS = 2
/** the engine under test: the checkout's build, or another one named the way the app takes it */
const engineEnv = process.env.MP4TOTEXT_WHISPER_SERVER ? { MP4TOTEXT_WHISPER_SERVER: process.env.MP4TOTEXT_WHISPER_SERVER } : {}

/**
 * whisper.cpp's own CLI on one window, in a fresh process (so from a fresh decoder state), with
 * the parameters the app's engine uses: greedy with 2 candidates, temperature 0 with 0.2 steps of
 * fallback, segments of at most 60 characters, the same threads.
 */
function cliTexts(model: string, file: string): string[] {
  const cli = path.join(path.dirname(whisperServerPath()), 'whisper-cli')
  execFileSync(cli, [
    ...['-m', model, '-f', file, '-l', 'en', '-t', String(THREADS)],
    ...['-bo', '2', '-bs', '-1', '-tp', '0', '-tpi', '0.2', '-ml', '60', '-ojf', '-of', file, '-np'],
  ])
  const out = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { transcription: { text: string }[] }
  return out.transcription.map((s) => s.text.trim()).filter(Boolean)
}

describe('the warm engine is deterministic per window', () => {
  // With temperature fallback (the app's default) the sampler is random: upstream seeded it once
  // per engine, so a window transcribed after another one came out differently than alone.
  it('each window of a file gives what whisper-cli gives for that window alone', { timeout: 900_000 }, async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir, {
      core: { env: engineEnv, noFallback: false, transcribeWindowSec: WINDOW_SEC },
    })
    const file = makeMedia(dir, 'two-windows.wav', { seconds: 2 * WINDOW_SEC, noise: true, sampleRate: 16_000 })
    const [job] = await core.transcription.add([file], { model, language: 'en', threads: THREADS })
    const done = await finished(core, job!.id, 880_000)
    expect(done.status).toBe('done')
    const app = (await core.transcripts.get(done.transcriptId!)).segments.map((s) => s.text)
    await core.close()

    // the very windows the app cut, each alone through whisper-cli
    const windows: string[] = []
    for await (const w of decodeWindows(file, WINDOW_SEC)) {
      const own = path.join(dir, `window-${windows.length}.wav`)
      copyFileSync(w.wavPath, own)
      windows.push(own)
    }
    expect(windows).toHaveLength(2)
    const perWindow = windows.map((w) => cliTexts(path.join(dir, 'models', 'ggml-mini-test.bin'), w))
    expect(perWindow[1]!.length).toBeGreaterThan(0)
    expect(app).toEqual(perWindow.flat())
  })
})
