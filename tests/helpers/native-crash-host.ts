// A host process, as the app's main process or a CLI run is, that hands a native engine a file
// that aborts it and then a good one: the native-containment test's "app". It prints one JSON
// line per step, and "alive" when it got through both. Args: engine ('llm' | 'speakers'), dir.
import path from 'node:path'
import { detectSpeakerTurns } from '../../src/core/diarize/speaker-turns'
import { LocalLlmEngine } from '../../src/core/local-llm/local-llm-engine'
import { TINY_GGUF, tinyGgufPath, writeGgufModel } from './gguf-model'
import { breakSpeakerModel, installSpeakerModels, twoVoices } from './speaker-models'
import { writeWav } from './speech-audio'

const [engine, dir] = process.argv.slice(2) as ['llm' | 'speakers', string]
const say = (step: string, r: object) => process.stdout.write(`${JSON.stringify({ step, ...r })}\n`)
const failure = (err: unknown) => {
  const e = err as Error & { code?: string; kind?: string }
  return { error: { name: e.name, code: e.code, kind: e.kind, message: e.message } }
}

if (engine === 'llm') {
  const bad = path.join(dir, 'no-heads.gguf')
  writeGgufModel(bad, { ...TINY_GGUF, claims: { headCount: 0 } })
  const llm = new LocalLlmEngine({ threads: 1 })
  const ask = (modelPath: string) =>
    llm.generate({
      modelPath,
      contextTokens: 512,
      system: 'x',
      user: 'bir iki üç',
      maxTokens: 8,
      signal: new AbortController().signal,
      onDelta: () => undefined,
    })
  for (const [step, model] of [
    ['bad', bad],
    ['good', tinyGgufPath()],
  ] as const) {
    try {
      say(step, { outputTokens: (await ask(model)).outputTokens })
    } catch (err) {
      say(step, failure(err))
    }
  }
  await llm.close()
} else {
  const models = installSpeakerModels(dir)
  const wav = writeWav(path.join(dir, 'two-voices.wav'), twoVoices().samples)
  const turns = () => detectSpeakerTurns(wav, { models, speakers: 2, threshold: 0.5 })
  breakSpeakerModel(models.segmentation)
  try {
    say('bad', { turns: (await turns()).length })
  } catch (err) {
    say('bad', failure(err))
  }
  installSpeakerModels(dir)
  say('good', { speakers: new Set((await turns()).map((t) => t.speaker)).size })
}
process.stdout.write('alive\n')
