// Live recording latency: speech fed to the core's recording session in 0.25 s chunks at real-time
// pace, as the page sends it; for each speech region, the time from its end arriving to its
// transcription done. Run: npm run bench:record.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { LiveSession } from '../src/core/recording/live-session'
import { whisperServerPath } from '../src/core/transcribe/engine-paths'
import { WhisperServer, type InferenceParams } from '../src/core/transcribe/whisper-server'
import { compose, silence, spokenText } from '../tests/helpers/speech-audio'
import { installMiniModel } from '../tests/helpers/transcribe-env'
import { printTable } from './table'
import { timingModel } from './timing-model'

const CHUNK = 4000
const THREADS = Math.min(2, os.availableParallelism())
const SENTENCES = [
  'Good morning everyone, thank you for joining the weekly planning meeting.',
  'First we look at the budget for the next quarter.',
  'Then the design team shows the new screens.',
  'Questions are welcome at the end.',
]

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN
}
const fmt = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} s` : '–')

/**
 * The core's live session (journal, streaming Silero VAD in its worker, the warm engine) fed at
 * real-time pace — the recording service minus the transport, so the engine's parameters can be
 * the timing model's (whole windows, no timestamps: its random decoder would otherwise run on).
 */
async function run(label: string, modelPath: string, pcm: Int16Array, extra: Partial<InferenceParams>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-rec-'))
  const engine = await WhisperServer.start({ serverPath: whisperServerPath(), modelPath, threads: THREADS })
  try {
    const session = await LiveSession.open({
      id: 'bench',
      dir,
      engine,
      params: { language: 'en', translate: false, prompt: '', noFallback: true, ...extra },
      onSegment: () => undefined,
    })
    const t0 = performance.now()
    for (let seq = 0, at = 0; at < pcm.length; seq++, at += CHUNK) {
      // real-time pace: chunk n is handed over when its audio would have been captured
      const due = t0 + ((at + CHUNK) / 16_000) * 1000
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())))
      const part = pcm.subarray(at, at + CHUNK)
      await session.append(seq, Buffer.from(part.buffer, part.byteOffset, part.byteLength))
    }
    await session.finish()
    const timings = session.regionTimings
    const delays = timings.map((t) => t.delaySec)
    const engineSec = timings.map((t) => t.engineSec)
    return [
      label,
      String(timings.length),
      fmt(median(delays)),
      fmt(Math.max(...delays)),
      fmt(median(engineSec)),
      fmt(median(delays) - median(engineSec)),
    ]
  } finally {
    engine.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main() {
  const parts = SENTENCES.flatMap((s) => [{ speech: spokenText(s) }, { other: silence(1.5) }])
  const audio = compose([{ other: silence(1) }, ...parts])
  const pcm = new Int16Array(audio.samples.length)
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(audio.samples[i]! * 32767)))
  console.log(
    `${audio.durationSec.toFixed(1)} s of espeak-ng speech (${SENTENCES.length} sentences, 1.5 s pauses), fed at real-time pace`,
  )
  const miniDir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-mini-'))
  const mini = path.join(miniDir, 'models', 'ggml-mini-test.bin')
  await installMiniModel(miniDir)
  const rows = [['model', 'regions', 'delay median', 'delay max', 'engine median (baseline)', 'delay − engine']]
  try {
    rows.push(await run('mini (random weights, little work)', mini, pcm, {}))
    rows.push(await run('tiny-shaped timing model', await timingModel(), pcm, { noTimestamps: true }))
  } finally {
    rmSync(miniDir, { recursive: true, force: true })
  }
  printTable('Live recording: end of speech → its transcription done (includes the 0.5 s pause that ends a region)', rows)
  console.log(
    '\nThe timing model has whisper tiny’s shapes with random weights: its encoder costs what tiny’s does, its decoder stops at once.\n' +
      'Real tiny/base weights (real decoding) could not be measured here: no model download.',
  )
}

await main()
