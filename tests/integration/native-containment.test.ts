// A native engine that aborts on a user's file (llama.cpp's GGML_ASSERT, onnxruntime's uncaught
// C++ exception) ends only its own child process: the job fails with a clear error, the host
// process (the app's main, the CLI, the web host) lives on, and the engine starts again for the
// next job. Crafted files that really abort; real host processes.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { detectSpeakerTurns } from '../../src/core/diarize/speaker-turns'
import { useChildLauncher } from '../../src/core/runtime/native-child'
import { utilityLauncher } from '../../src/main/utility-launcher'
import { call } from '../../src/cli/cli-call'
import { modelsDirOf } from '../../src/core/paths'
import { breakSpeakerModel, installSpeakerModels, twoVoices } from '../helpers/speaker-models'
import { writeWav } from '../helpers/speech-audio'
import { useTempDirs } from '../helpers/temp-dir'
import { fakeUtilityFork } from '../helpers/utility-process'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')

type Step = { step: string; error?: { name: string; code?: string; kind?: string; message: string } } & Record<string, unknown>

/** Runs the crash host to its end: how it ended, and what it printed. */
async function host(engine: 'llm' | 'speakers') {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'tests/helpers/native-crash-host.ts'), engine, tempDir()],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let err = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  )
  const lines = out.split('\n').filter(Boolean)
  const steps = Object.fromEntries(
    lines.filter((l) => l.startsWith('{')).map((l) => [(JSON.parse(l) as Step).step, JSON.parse(l) as Step]),
  ) as Record<string, Step>
  return { ended: { code, signal }, alive: lines.includes('alive'), steps, stderr: err }
}

describe('native engines run out of the host process', () => {
  it(
    'a GGUF claiming 0 attention heads aborts llama.cpp: that run fails clearly, the host lives, the next run works',
    { timeout: 240_000 },
    async () => {
      const r = await host('llm')
      expect(r.ended, r.stderr.slice(-2000)).toEqual({ code: 0, signal: null })
      expect(r.alive).toBe(true)
      expect(r.steps.bad?.error).toMatchObject({ name: 'EngineError', kind: 'crashed' })
      expect(r.steps.bad?.error?.message).toMatch(/built-in engine stopped abruptly.*no-heads\.gguf.*GGML_ASSERT/s)
      expect(r.steps.good).toMatchObject({ outputTokens: 8 })
    },
  )

  it(
    'a speaker model that onnxruntime cannot load aborts it: detection fails clearly, the host lives, the next detection works',
    { timeout: 240_000 },
    async () => {
      const r = await host('speakers')
      expect(r.ended, r.stderr.slice(-2000)).toEqual({ code: 0, signal: null })
      expect(r.alive).toBe(true)
      expect(r.steps.bad?.error).toMatchObject({ name: 'AppError', code: 'engine-crashed' })
      expect(r.steps.bad?.error?.message).toMatch(/segmentation\.onnx.*No Op registered for NoSuchOp.*kept without speakers/s)
      expect(r.steps.good).toMatchObject({ speakers: 2 })
    },
  )

  it('through the core: the transcript keeps its text and the reason, and the core answers and detects afterwards', async () => {
    const dataDir = tempDir()
    const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'en-US' })
    try {
      const modelsDir = modelsDirOf(dataDir, core.store.data.settings)
      const models = installSpeakerModels(modelsDir)
      breakSpeakerModel(models.embedding)
      const voices = twoVoices()
      const media = writeWav(path.join(dataDir, 'toplantı.wav'), voices.samples)
      const now = new Date().toISOString()
      const segments = [{ id: 0, start: 0.5, end: voices.samples.length / 16000 - 0.5, text: 'Günaydın.' }]
      const meta = await core.transcripts.save(
        {
          jobId: 'job-1',
          fileName: 'toplantı.wav',
          mediaPath: media,
          hasVideo: false,
          createdAt: now,
          updatedAt: now,
          durationSec: voices.samples.length / 16000,
          language: 'en',
          model: 'base',
        },
        segments,
      )
      const err = await call(core, 'speakers.detect', { id: meta.id, speakers: 2 }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'engine-crashed' })
      expect((err as Error).message).toMatch(/embedding\.onnx/)
      const after = await call(core, 'transcripts.get', { id: meta.id })
      expect(after.segments).toEqual(segments)
      expect(after.meta.speakerNotice).toMatch(/stopped abruptly/)
      installSpeakerModels(modelsDir)
      const view = await call(core, 'speakers.detect', { id: meta.id, speakers: 2 })
      expect(Object.keys(view.meta.speakers ?? {}).length).toBeGreaterThan(0)
    } finally {
      await core.close()
    }
  })

  it('in the Electron app, as utility processes: a model that aborts fails its detection, the next one works', async () => {
    useChildLauncher(utilityLauncher(fakeUtilityFork))
    try {
      const dir = tempDir()
      const models = installSpeakerModels(dir)
      const wav = writeWav(path.join(dir, 'two-voices.wav'), twoVoices().samples)
      breakSpeakerModel(models.embedding)
      const err = await detectSpeakerTurns(wav, { models, speakers: 2, threshold: 0.5 }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'engine-crashed' })
      expect((err as Error).message).toMatch(/embedding\.onnx.*No Op registered for NoSuchOp/s)
      installSpeakerModels(dir)
      const turns = await detectSpeakerTurns(wav, { models, speakers: 2, threshold: 0.5 })
      expect(new Set(turns.map((t) => t.speaker)).size).toBe(2)
    } finally {
      useChildLauncher(null)
    }
  })
})
