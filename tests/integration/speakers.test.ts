import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import onnxProto from 'onnx-proto'
import { describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { detectSpeakerTurns } from '../../src/core/diarize/speaker-turns'
import { speakerModelPaths } from '../../src/core/diarize/speaker-models'
import { modelsDirOf } from '../../src/core/paths'
import { call } from '../../src/cli/cli-call'
import type { Segment } from '../../src/shared/transcribe-types'
import { run } from '../../src/cli/main'
import { installSpeakerModels, twoVoices } from '../helpers/speaker-models'
import { silence, writeWav } from '../helpers/speech-audio'
import { useTempDirs } from '../helpers/temp-dir'
import { modelServer } from '../helpers/model-server'

const tempDir = useTempDirs()
const voices = twoVoices()
const [a, b] = voices.speech as [{ start: number; end: number }, { start: number; end: number }]

async function open(): Promise<{ core: Core; dataDir: string; modelsDir: string }> {
  const dataDir = tempDir()
  const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'en-US' })
  return { core, dataDir, modelsDir: modelsDirOf(dataDir, core.store.data.settings) }
}

/** A saved transcript of `samples`: segments as whisper would give them, with word timing. */
async function savedTranscript(core: Core, dataDir: string, samples: Float32Array, segments: Segment[]) {
  const media = writeWav(path.join(dataDir, 'toplantı.2025.wav'), samples)
  const now = new Date().toISOString()
  return core.transcripts.save(
    {
      jobId: 'job-1',
      fileName: 'toplantı.2025.wav',
      mediaPath: media,
      hasVideo: false,
      createdAt: now,
      updatedAt: now,
      durationSec: samples.length / 16000,
      language: 'en',
      model: 'base',
    },
    segments,
  )
}

/** Even words across [start, end]. */
function words(text: string, start: number, end: number) {
  const list = text.split(' ')
  const step = (end - start) / list.length
  return list.map((w, i) => ({ start: start + i * step, end: start + (i + 1) * step, text: w, probability: 0.9 }))
}

const mid = (a.end + b.start) / 2
const segments: Segment[] = [
  { id: 0, start: a.start, end: a.start + 2.5, text: 'Good morning everyone.' },
  { id: 1, start: a.start + 2.5, end: a.end, text: 'Today we will talk about the release plan.' },
  // one segment whisper ran across the change of speaker: split at its words
  {
    id: 2,
    start: a.end - 1.5,
    end: b.start + 2,
    text: 'next week. Thank you I have',
    words: [...words('next week.', a.end - 1.5, a.end), ...words('Thank you I have', b.start, b.start + 2)],
  },
  { id: 3, start: b.start + 2, end: b.end, text: 'prepared the notes for the team.' },
]

describe('speaker detection (real sherpa-onnx pipeline, generated models)', () => {
  it('finds two voices, automatically or when told there are two; a higher threshold joins them', async () => {
    const dir = tempDir()
    const models = installSpeakerModels(dir)
    const wav = writeWav(path.join(dir, 'two.wav'), voices.samples)
    for (const speakers of ['auto', 2] as const) {
      const turns = await detectSpeakerTurns(wav, { models, speakers, threshold: 0.5 })
      expect(new Set(turns.map((t) => t.speaker)).size).toBe(2)
      // the first voice's turn covers its speech, the second voice's turn starts after the pause
      const first = turns.find((t) => t.start < a.start + 1)!
      expect(first.end).toBeGreaterThan(a.end - 1)
      expect(first.end).toBeLessThan(b.start + 0.5)
      const second = turns.find((t) => t.speaker !== first.speaker)!
      expect(second.start).toBeGreaterThan(a.end - 0.5)
      expect(second.end).toBeGreaterThan(b.end - 1)
    }
    const one = await detectSpeakerTurns(wav, { models, speakers: 'auto', threshold: 0.95 })
    expect(new Set(one.map((t) => t.speaker)).size).toBe(1)
  })

  it('labels the saved transcript, splits a segment where the speaker changes, and exports who said what', async () => {
    const { core, dataDir, modelsDir } = await open()
    installSpeakerModels(modelsDir)
    const meta = await savedTranscript(core, dataDir, voices.samples, segments)
    const seen: string[] = []
    const off = core.events.subscribe((name, p) => name === 'speakers.progress' && seen.push((p as { phase: string }).phase))
    const view = await call(core, 'speakers.detect', { id: meta.id, speakers: 'auto' })
    off()
    expect(seen).toEqual(['audio', 'speakers', 'done'])
    expect(view.meta.speakers).toEqual({ S1: 'Speaker 1', S2: 'Speaker 2' })
    expect(view.segments.map((s) => [s.speaker, s.text])).toEqual([
      ['S1', 'Good morning everyone.'],
      ['S1', 'Today we will talk about the release plan.'],
      ['S1', 'next week.'],
      ['S2', 'Thank you I have'],
      ['S2', 'prepared the notes for the team.'],
    ])
    expect(view.segments.map((s) => s.id)).toEqual([0, 1, 2, 3, 4])
    expect(view.segments[3]!.start).toBeGreaterThan(mid)

    // rename everywhere at once, then the exports carry the names
    await call(core, 'speakers.rename', { id: meta.id, speaker: 'S1', name: 'Ayşe' })
    await call(core, 'speakers.rename', { id: meta.id, speaker: 'S2', name: 'Mehmet <Ops>' })
    const exp = async (format: 'txt' | 'srt' | 'vtt' | 'json') =>
      (await call(core, 'transcripts.export', { id: meta.id, format })).content
    expect(await exp('txt')).toBe(
      'Ayşe: Good morning everyone. Today we will talk about the release plan. next week.\n\nMehmet <Ops>: Thank you I have prepared the notes for the team.\n',
    )
    const vtt = await exp('vtt')
    expect(vtt).toContain('<v Ayşe>Good morning')
    expect(vtt).toContain('<v Mehmet ‹Ops›>Thank you')
    const srt = await exp('srt')
    expect(srt.match(/Ayşe: /g)).toHaveLength(1)
    expect(srt.match(/Mehmet ‹Ops>: /g)).toHaveLength(1)
    const json = JSON.parse(await exp('json')) as {
      speakers: Record<string, string>
      segments: { speaker: string; speakerId: string }[]
    }
    expect(json.speakers).toEqual({ S1: 'Ayşe', S2: 'Mehmet <Ops>' })
    expect(json.segments.map((s) => s.speaker)).toEqual(['Ayşe', 'Ayşe', 'Ayşe', 'Mehmet <Ops>', 'Mehmet <Ops>'])

    // reassign one segment, then merge two speakers into one
    const moved = await call(core, 'speakers.assign', { id: meta.id, segmentId: 2, speaker: 'S2' })
    expect(moved.segments[2]!.speaker).toBe('S2')
    const merged = await call(core, 'speakers.merge', { id: meta.id, from: 'S2', into: 'S1' })
    expect(new Set(merged.segments.map((s) => s.speaker))).toEqual(new Set(['S1']))
    expect(merged.meta.speakers).toEqual({ S1: 'Ayşe' })
    await core.close()
  })

  it('an edit made while speakers are being detected is kept', async () => {
    const { core, dataDir, modelsDir } = await open()
    installSpeakerModels(modelsDir)
    const meta = await savedTranscript(core, dataDir, voices.samples, segments)
    const telling = new Promise((resolve) =>
      core.events.subscribe(
        (name, p) => name === 'speakers.progress' && (p as { phase: string }).phase === 'speakers' && resolve(null),
      ),
    )
    const running = call(core, 'speakers.detect', { id: meta.id, speakers: 2 })
    await telling // the audio is read and the voices are being told apart: the user edits meanwhile
    await call(core, 'transcripts.updateSegment', { id: meta.id, segmentId: 0, text: 'Günaydın herkese.' })
    const view = await running
    expect(view.segments[0]).toMatchObject({ text: 'Günaydın herkese.', speaker: 'S1' })
    expect((await call(core, 'transcripts.get', { id: meta.id })).segments[0]!.text).toBe('Günaydın herkese.')
    await core.close()
  })

  it('a detection under way can be cancelled: the transcript is unchanged and no notice is left', async () => {
    const { core, dataDir, modelsDir } = await open()
    installSpeakerModels(modelsDir)
    const meta = await savedTranscript(core, dataDir, voices.samples, segments)
    const reading = new Promise((resolve) => core.events.subscribe((name) => name === 'speakers.progress' && resolve(null)))
    const running = call(core, 'speakers.detect', { id: meta.id, speakers: 'auto' }).catch((e: unknown) => e)
    await reading // the audio is being read
    expect(await call(core, 'speakers.cancel', { id: meta.id })).toEqual({ cancelled: true })
    expect(await running).toMatchObject({ code: 'cancelled' })
    const after = await call(core, 'transcripts.get', { id: meta.id })
    expect(after.segments).toEqual(segments)
    expect(after.meta.speakerNotice).toBeUndefined()
    expect(await call(core, 'speakers.cancel', { id: meta.id })).toEqual({ cancelled: false })
    await core.close()
  })

  it('a missing model: a clear way out, and the plain transcript is kept with the reason', async () => {
    const { core, dataDir } = await open()
    const meta = await savedTranscript(core, dataDir, voices.samples, segments)
    const err = await call(core, 'speakers.detect', { id: meta.id, speakers: 'auto' }).catch((e: Error) => e)
    expect(err).toMatchObject({ code: 'not-found' })
    expect((err as Error).message).toMatch(/not installed.*Models page.*models pull speakers.*kept without speakers/s)
    const after = await call(core, 'transcripts.get', { id: meta.id })
    expect(after.segments).toEqual(segments)
    expect(after.meta.speakerNotice).toMatch(/not installed/)
    // and its key, so the editor words it in the UI's language
    expect(after.meta.speakerNoticeError).toMatchObject({ code: 'not-found', key: 'speaker-models-missing' })
    await core.close()
  })

  it('a damaged model file is refused before sherpa-onnx reads it (which would end the process), naming the file', async () => {
    const { core, dataDir, modelsDir } = await open()
    const paths = installSpeakerModels(modelsDir)
    const meta = await savedTranscript(core, dataDir, voices.samples, segments)
    // a download cut short, and a file of the wrong kind
    for (const [file, content] of [
      [paths.embedding, Buffer.from('not a model at all, an HTML error page')],
      [paths.segmentation, Buffer.alloc(0)],
    ] as const) {
      installSpeakerModels(modelsDir)
      writeFileSync(file, content)
      const err = await call(core, 'speakers.detect', { id: meta.id, speakers: 2 }).catch((e: Error) => e)
      expect((err as Error).message).toContain(path.basename(file))
      expect((err as Error).message).toMatch(/kept without speakers/)
    }
    // the segmentation model where the embedding model belongs: refused by its metadata
    installSpeakerModels(modelsDir)
    const seg = speakerModelPaths(modelsDir)
    writeFileSync(seg.embedding, readFileSync(seg.segmentation))
    const err = await call(core, 'speakers.detect', { id: meta.id, speakers: 2 }).catch((e: Error) => e)
    expect(err).toMatchObject({ code: 'invalid-input' })
    expect((err as Error).message).toMatch(/metadata lacks framework/)
    expect((await call(core, 'transcripts.get', { id: meta.id })).segments).toEqual(segments)
    await core.close()
  })

  it('silence: no speaker found, said plainly, transcript kept', async () => {
    const { core, dataDir, modelsDir } = await open()
    installSpeakerModels(modelsDir)
    const meta = await savedTranscript(core, dataDir, silence(12), [{ id: 0, start: 0, end: 12, text: 'Thank you.' }])
    const err = await call(core, 'speakers.detect', { id: meta.id, speakers: 'auto' }).catch((e: Error) => e)
    expect((err as Error).message).toMatch(/No speaker was found/)
    const after = await call(core, 'transcripts.get', { id: meta.id })
    expect(after.segments[0]!.speaker).toBeUndefined()
    expect(after.meta.speakerNotice).toMatch(/No speaker was found/)
    // a detection that finds nobody keeps an edit made while it ran
    const telling = new Promise((resolve) =>
      core.events.subscribe(
        (name, p) => name === 'speakers.progress' && (p as { phase: string }).phase === 'speakers' && resolve(null),
      ),
    )
    const again = call(core, 'speakers.detect', { id: meta.id, speakers: 'auto' }).catch((e: Error) => e)
    await telling
    await call(core, 'transcripts.updateSegment', { id: meta.id, segmentId: 0, text: '(sessizlik)' })
    expect(await again).toMatchObject({ code: 'not-found' })
    expect((await call(core, 'transcripts.get', { id: meta.id })).segments[0]!.text).toBe('(sessizlik)')
    await core.close()
  })

  it('downloads both models from the mirror in Settings, resuming a cut download, and then they work', async () => {
    const source = installSpeakerModels(tempDir())
    const files: Record<string, Buffer> = {
      '/csukuangfj/sherpa-onnx-pyannote-segmentation-3-0/resolve/main/model.onnx': padModel(readFileSync(source.segmentation)),
      '/csukuangfj/speaker-embedding-models/resolve/main/3dspeaker_speech_campplus_sv_en_voxceleb_16k.onnx': padModel(
        readFileSync(source.embedding),
      ),
    }
    const server = await modelServer(files, { cutFirstAt: 150_000, cut: (p) => p.endsWith('16k.onnx') })
    const { core, dataDir, modelsDir } = await open()
    await call(core, 'settings.set', { modelBaseUrl: server.url })
    await expect(call(core, 'speakers.downloadModels', {})).rejects.toThrow()
    expect(existsSync(speakerModelPaths(modelsDir).embedding)).toBe(false)
    const list = await call(core, 'speakers.downloadModels', {})
    expect(list.map((m) => m.installed)).toEqual([true, true])
    expect(server.requests.map((r) => `${path.basename(r.path)} ${r.range}`)).toEqual([
      'model.onnx ',
      '3dspeaker_speech_campplus_sv_en_voxceleb_16k.onnx ',
      '3dspeaker_speech_campplus_sv_en_voxceleb_16k.onnx bytes=150000-',
    ])
    const meta = await savedTranscript(core, dataDir, voices.samples, segments)
    expect((await call(core, 'speakers.detect', { id: meta.id, speakers: 2 })).meta.speakers).toEqual({
      S1: 'Speaker 1',
      S2: 'Speaker 2',
    })
    await server.close()
    await core.close()
  })

  it('CLI: models list shows the speaker models; a wrong --speakers is refused before any work', async () => {
    const dataDir = tempDir()
    const lines: string[] = []
    const io = { stdout: (s: string) => lines.push(s), stderr: (s: string) => lines.push(s) }
    expect(await run(['models', 'list', '--data-dir', dataDir], io)).toBe(0)
    expect(lines.join('')).toMatch(/○ speakers: segmentation +pyannote segmentation-3\.0 \(MIT/)
    expect(lines.join('')).toMatch(/○ speakers: embedding +3D-Speaker CAM\+\+.*Apache-2\.0/)
    lines.length = 0
    expect(await run(['transcribe', 'x.wav', '--model', 'base', '--speakers', 'many', '--data-dir', dataDir], io)).toBe(2)
    expect(lines.join('')).toMatch(/--speakers takes "auto" or a number/)
    expect(existsSync(path.join(dataDir, 'models', 'speakers'))).toBe(false)
  })
})

/** Real models are megabytes: the generated ones get an ONNX doc string that makes them big enough to be cut mid-way. */
function padModel(bytes: Buffer): Buffer {
  const model = onnxProto.onnx.ModelProto.decode(bytes)
  model.docString = 'x'.repeat(300_000)
  return Buffer.from(onnxProto.onnx.ModelProto.encode(model).finish())
}
