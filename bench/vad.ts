// VAD benchmark: 60 s silence + speech + 60 s silence, with and without speech detection.
// Run: npm run bench:transcribe (after the engine benchmark), or npx tsx bench/vad.ts alone.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { whisperServerPath } from '../src/core/transcribe/engine-paths'
import { WhisperServer } from '../src/core/transcribe/whisper-server'
import { detectSpeech } from '../src/core/vad/speech-regions'
import { speechOnlyWav } from '../src/core/vad/speech-wav'
import { compose, silence, spokenText, voicedSpeech, whiteNoise, writeWav } from '../tests/helpers/speech-audio'
import { printTable } from './table'
import { timingModel } from './timing-model'

const THREADS = Math.min(2, os.availableParallelism())
const params = { language: 'en', translate: false, prompt: '', noFallback: true, noTimestamps: true }

const PARAGRAPH = [
  'Voice activity detection finds the parts of a recording where somebody speaks.',
  'Only those parts are sent to the recognizer, so long silences cost nothing,',
  'and the model never invents a polite thank you where nobody said a word.',
  'The times of every sentence are mapped back to the original file,',
  'so subtitles still line up with the picture.',
].join(' ')

function hasEspeak(): boolean {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now()
  const r = await fn()
  return [r, (performance.now() - t0) / 1000]
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-vad-'))
  let engine: WhisperServer | null = null
  try {
    const real = hasEspeak()
    const speech = real ? spokenText(PARAGRAPH) : voicedSpeech(25)
    const speechSec = speech.length / 16_000
    const cases = [
      { name: 'digital silence', filler: silence },
      { name: 'room noise (white, −46 dBFS)', filler: (s: number) => whiteNoise(s, 0.005) },
    ]
    let serverPath: string | null = null
    try {
      serverPath = whisperServerPath()
    } catch {
      console.log('whisper.cpp is not built: engine times are left out')
    }
    if (serverPath) engine = await WhisperServer.start({ serverPath, modelPath: await timingModel(), threads: THREADS })

    const rows: string[][] = [
      ['60 s + speech + 60 s of…', 'audio', 'find regions', 'sent with VAD', 'engine: no VAD', 'engine: VAD (incl. detection)'],
    ]
    for (const c of cases) {
      const audio = compose([{ other: c.filler(60) }, { speech }, { other: c.filler(60) }])
      const wav = writeWav(path.join(dir, 'input.wav'), audio.samples)
      await detectSpeech(wav) // warm the file cache and the model file's checksum
      const [, findSec] = await time(() => detectSpeech(wav))
      const packed = path.join(dir, 'speech.wav')
      const [r, prepSec] = await time(() => speechOnlyWav(wav, packed))
      let plainSec: number | null = null
      let vadSec: number | null = null
      if (engine) {
        const e = engine
        ;[, plainSec] = await time(() => e.transcribe(wav, params))
        const [, enginePartSec] = await time(() => e.transcribe(packed, params))
        vadSec = prepSec + enginePartSec
      }
      const sent = r.layout.packedSec / audio.durationSec
      rows.push([
        c.name,
        `${audio.durationSec.toFixed(1)} s (${speechSec.toFixed(1)} s speech)`,
        `${findSec.toFixed(2)} s`,
        `${(sent * 100).toFixed(0)}% (${r.layout.packedSec.toFixed(1)} s) vs 100%`,
        plainSec === null ? '—' : `${plainSec.toFixed(2)} s`,
        vadSec === null || plainSec === null ? '—' : `${vadSec.toFixed(2)} s (${(plainSec / vadSec).toFixed(1)}× faster)`,
      ])
    }
    printTable(
      `Speech detection (Silero VAD v5 via sherpa-onnx, ${real ? 'espeak-ng speech' : 'synthesized voiced speech'}; ${os.cpus()[0]?.model.trim()}, engine: tiny-shaped timing model, ${THREADS} threads)`,
      rows,
    )
  } finally {
    engine?.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
