// The core's refusals a user meets in the app carry a key and values, so a Turkish page words
// them itself instead of falling back to the bare code ("Geçersiz giriş").
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { dispatch } from '../../src/shared/dispatch'
import { errorText } from '../../src/renderer/src/lib/error-text'
import { useMessages } from './use-messages'
import { expectKeyed, refusal } from './keyed-refusal'
import { makeMedia } from '../helpers/media'
import { standInEngine } from '../helpers/stand-in-engine'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, installMiniModel } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

useMessages('tr')

describe('refusals a user meets carry a key, and read in Turkish', () => {
  it('no model chosen, a custom preset without a prompt, nothing to undo, files that are not models', async () => {
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'web', version: 't', systemLocale: 'tr', env: { GROQ_API_KEY: 'k' } })
    try {
      const notAModel = path.join(dir, 'notlar.v2.bin')
      writeFileSync(notAModel, 'bu bir model değil')
      const notGguf = path.join(dir, 'notlar.gguf')
      writeFileSync(notGguf, 'bu da değil')
      const cases = [
        { key: 'model-not-chosen', call: dispatch(core.handlers, 'transcribe.add', { files: [notAModel] }) },
        {
          key: 'custom-needs-prompt',
          call: dispatch(core.handlers, 'enhance.start', {
            text: 'merhaba',
            provider: 'groq',
            modelId: 'llama-3.1-8b-instant',
            preset: 'custom',
            prompt: ' ',
          }),
        },
        { key: 'pricing-nothing-to-undo', call: dispatch(core.handlers, 'pricing.undo', {}) },
        { key: 'not-a-whisper-model', call: dispatch(core.handlers, 'models.import', { path: notAModel }) },
        { key: 'not-a-gguf', call: dispatch(core.handlers, 'localLlm.import', { path: notGguf }) },
      ]
      for (const c of cases) {
        const env = (await c.call) as { ok: boolean; error: { code: string; key?: string } }
        expect(env.ok, c.key).toBe(false)
        expect(env.error.key, JSON.stringify(env.error)).toBe(c.key)
        const tr = errorText(env.error)
        expect(tr).not.toBe(i18next.t(`errors.codes.${env.error.code}`))
        expect(tr).not.toMatch(/\b(the|model file|is not|Choose|first)\b/)
      }
    } finally {
      await core.close()
    }
  })
})

/** A transcript of `media` (two segments) saved as a finished job would. */
async function saveTranscript(core: Core, media: string, model = 'base') {
  const now = new Date().toISOString()
  return core.transcripts.save(
    {
      jobId: `job-${randomUUID()}`,
      fileName: path.basename(media),
      mediaPath: media,
      hasVideo: false,
      createdAt: now,
      updatedAt: now,
      durationSec: 3,
      language: 'tr',
      model,
    },
    [
      { id: 0, start: 0, end: 1.5, text: 'Günaydın.' },
      { id: 1, start: 1.5, end: 3, text: 'Hoş geldiniz.' },
    ],
  )
}

describe('what was removed or changed meanwhile (another window, a stale page) is refused in Turkish', () => {
  it('a job, a transcript, a segment, a speaker, an installed model that are no longer there', async () => {
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'web', version: 't', systemLocale: 'tr', env: {} })
    try {
      const meta = await saveTranscript(core, path.join(dir, 'toplantı.wav'))
      await core.transcripts.updateSpeakers(meta.id, (segments) => ({
        segments: segments.map((s) => ({ ...s, speaker: 'S1' })),
        names: { S1: 'Ayşe' },
      }))
      const cases = [
        { key: 'job-not-found', call: dispatch(core.handlers, 'transcribe.retry', { id: 'gone' }) },
        { key: 'job-not-found', call: dispatch(core.handlers, 'transcribe.remove', { id: 'gone' }) },
        { key: 'transcript-not-found', call: dispatch(core.handlers, 'transcripts.get', { id: 'gone' }) },
        {
          key: 'segment-not-found',
          call: dispatch(core.handlers, 'transcripts.updateSegment', { id: meta.id, segmentId: 7, text: 'x' }),
        },
        { key: 'segment-not-found', call: dispatch(core.handlers, 'transcripts.split', { id: meta.id, segmentId: 7 }) },
        {
          key: 'segment-not-found',
          call: dispatch(core.handlers, 'speakers.assign', { id: meta.id, segmentId: 7, speaker: 'S1' }),
        },
        {
          key: 'speaker-not-found',
          call: dispatch(core.handlers, 'speakers.rename', { id: meta.id, speaker: 'S4', name: 'Can' }),
        },
        { key: 'whisper-not-installed', call: dispatch(core.handlers, 'models.delete', { name: 'small' }) },
        { key: 'builtin-not-installed', call: dispatch(core.handlers, 'localLlm.delete', { name: 'qwen' }) },
        {
          key: 'recording-not-recoverable',
          call: dispatch(core.handlers, 'recording.recover', { id: randomUUID(), action: 'discard' }),
        },
      ]
      for (const c of cases) expectKeyed(refusal(await c.call), c.key)
      const split = expectKeyed(refusal(await cases[4]!.call), 'segment-not-found')
      // the number the editor shows (from 1), not the id
      expect(split).toContain('8')
    } finally {
      await core.close()
    }
  })

  it('a model the picker offered that is gone, a model file that is not where it was', async () => {
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'web', version: 't', systemLocale: 'tr', env: { GROQ_API_KEY: 'k' } })
    try {
      const enhance = (provider: string, modelId: string) =>
        dispatch(core.handlers, 'enhance.start', { text: 'merhaba', provider, modelId, preset: 'custom', prompt: 'düzelt' })
      const cases = [
        { key: 'model-unknown', call: enhance('groq', 'artık-yok') },
        { key: 'local-model-unknown', call: enhance('custom', 'artık-yok') },
        { key: 'builtin-not-installed', call: enhance('builtin', 'artık-yok') },
        {
          key: 'model-file-missing',
          call: dispatch(core.handlers, 'models.import', { path: path.join(dir, 'yok', 'ggml-x.bin') }),
        },
        {
          key: 'model-file-missing',
          call: dispatch(core.handlers, 'localLlm.import', { path: path.join(dir, 'yok', 'x.gguf') }),
        },
      ]
      for (const c of cases) expectKeyed(refusal(await c.call), c.key)
    } finally {
      await core.close()
    }
  })

  it('pricing: a multiplier that is not one, an update file that does not apply, warnings to confirm', async () => {
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'web', version: 't', systemLocale: 'tr', env: {} })
    try {
      const update = (over: Record<string, unknown>) =>
        JSON.stringify({
          format: 'mp4totext-pricing-update',
          formatVersion: 1,
          date: '2026-01-01',
          title: 't',
          changes: [],
          ...over,
        })
      const cases = [
        {
          key: 'pricing-bad-multiplier',
          call: dispatch(core.handlers, 'pricing.set', {
            provider: 'groq',
            modelId: 'llama-3.1-8b-instant',
            multiplier: 'iki',
            reason: 'deneme',
          }),
        },
        { key: 'pricing-not-applied', call: dispatch(core.handlers, 'pricing.preview', { text: 'bu JSON değil' }) },
        {
          key: 'pricing-not-applied',
          call: dispatch(core.handlers, 'pricing.apply', {
            text: update({ changes: [{ provider: 'groq', modelId: 'yok', multiplier: '2' }] }),
          }),
        },
        {
          key: 'pricing-needs-confirmation',
          call: dispatch(core.handlers, 'pricing.apply', {
            text: update({ changes: [{ provider: 'together', modelId: 'deepseek-ai/DeepSeek-R1', active: false }] }),
          }),
        },
      ]
      for (const c of cases) expectKeyed(refusal(await c.call), c.key)
    } finally {
      await core.close()
    }
  })

  it('the hardware test with no whisper model, and started twice', async () => {
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'web', version: 't', systemLocale: 'tr', env: {} })
    try {
      const first = dispatch(core.handlers, 'hardware.bench', {})
      const second = dispatch(core.handlers, 'hardware.bench', {})
      expectKeyed(refusal(await second), 'bench-running')
      expectKeyed(refusal(await first), 'bench-no-model')
    } finally {
      await core.close()
    }
  })
})

describe('the engine and speech detection fail in Turkish, directly and in the queue', () => {
  it('an engine that cannot start, stops mid-request or refuses the audio; a missing or damaged speech model', async () => {
    const dir = tempDir()
    const model = await installMiniModel(dir)
    const media = makeMedia(dir, 'toplantı.wav', { seconds: 3 })
    const open = (env: Record<string, string>) =>
      openCore({ dataDir: dir, shell: 'web', version: 't', systemLocale: 'tr', env, noFallback: true })
    const retranscribe = async (env: Record<string, string>) => {
      const core = await open(env)
      try {
        const meta = await saveTranscript(core, media, model)
        return refusal(await dispatch(core.handlers, 'transcripts.retranscribe', { id: meta.id, segmentIds: [0] }))
      } finally {
        await core.close()
      }
    }
    const absent = path.join(dir, 'yok', 'whisper-server')
    const start = expectKeyed(await retranscribe({ MP4TOTEXT_WHISPER_SERVER: absent }), 'engine-start-failed')
    expect(start).toContain('ENOENT')
    expectKeyed(await retranscribe({ MP4TOTEXT_WHISPER_SERVER: standInEngine(dir, { crashOn: 1 }) }), 'engine-stopped')
    const refused = expectKeyed(
      await retranscribe({ MP4TOTEXT_WHISPER_SERVER: standInEngine(dir, { refuseOn: 1 }) }),
      'engine-refused-audio',
    )
    expect(refused).toContain('failed to read audio data')
    // live speech detection starts with a recording (a file's transcription goes on without it)
    const record = async (env: Record<string, string>) => {
      const core = await open(env)
      try {
        return refusal(await dispatch(core.handlers, 'recording.start', { model }))
      } finally {
        await core.close()
      }
    }
    const engine = standInEngine(dir)
    const noModel = path.join(dir, 'yok', 'silero_vad.onnx')
    expectKeyed(await record({ MP4TOTEXT_WHISPER_SERVER: engine, MP4TOTEXT_VAD_MODEL: noModel }), 'vad-model-missing')
    const junk = path.join(dir, 'bozuk.onnx')
    writeFileSync(junk, 'bu bir model değil')
    expectKeyed(await record({ MP4TOTEXT_WHISPER_SERVER: engine, MP4TOTEXT_VAD_MODEL: junk }), 'vad-model-damaged')
  })

  it('a job that fails keeps its key and values: the queue words it too', async () => {
    const dir = tempDir()
    const model = await installMiniModel(dir)
    const media = makeMedia(dir, 'toplantı.wav', { seconds: 3 })
    const core = await openCore({
      dataDir: dir,
      shell: 'web',
      version: 't',
      systemLocale: 'tr',
      env: { MP4TOTEXT_WHISPER_SERVER: path.join(dir, 'yok', 'whisper-server') },
    })
    try {
      const [job] = await core.transcription.add([media], { model, language: 'tr' })
      const done = await finished(core, job!.id)
      expect(done.status).toBe('failed')
      expect(done.errorDetail, JSON.stringify(done)).toMatchObject({ key: 'engine-start-failed' })
      expectKeyed({ code: 'internal', message: done.error, ...done.errorDetail }, 'engine-start-failed')
      // as the queue lists it: read back from the library
      expect(core.transcription.jobs().find((j) => j.id === job!.id)?.errorDetail).toEqual(done.errorDetail)
    } finally {
      await core.close()
    }
  })
})
