import { readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import onnxProto from 'onnx-proto'
import { describe, expect, it } from 'vitest'
import { call } from '../../src/cli/cli-call'
import { openCore, type Core } from '../../src/core/app-core'
import { speakerModelPaths } from '../../src/core/diarize/speaker-models'
import { modelsDirOf } from '../../src/core/paths'
import { dispatch } from '../../src/shared/dispatch'
import type { Segment } from '../../src/shared/transcribe-types'
import { conversation, highVoice, installSpeakerModels, lowVoice } from '../helpers/speaker-models'
import { writeWav, type ComposedAudio } from '../helpers/speech-audio'
import { useTempDirs } from '../helpers/temp-dir'

/**
 * The voice library end to end: real sherpa-onnx detection in its child process with the
 * generated models, whose embedding (the stretch's spectrum shape) tells espeak-ng's low voice
 * from its high one — same voice across files ≥ 0.94, the other voice ≤ 0.5 — so matching is
 * decided by the voices themselves, at the default threshold.
 */
const tempDir = useTempDirs()

// Ayşe is the low voice, the stranger the high one; three files, other words each time
const files: ComposedAudio[] = [
  conversation(
    lowVoice('Good morning everyone. Today we will talk about the release plan and the schedule for next week.'),
    highVoice('Thank you. I have prepared the notes and I will send them to the whole team after this meeting.'),
  ),
  conversation(
    lowVoice('The budget for the second quarter is ready and I would like to go through it line by line.'),
    highVoice('That sounds good. Please start with the travel costs because they changed the most this year.'),
  ),
  // the stranger first and loud this time, Ayşe second and quiet
  conversation(
    highVoice('Welcome back. Before we begin, has everyone read the report that was shared on Monday morning?'),
    lowVoice('Yes, I read it twice. The numbers in the third chapter look wrong to me, we should check them.'),
  ),
]

async function open(dataDir = tempDir()): Promise<{ core: Core; dataDir: string }> {
  const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'en-US' })
  installSpeakerModels(modelsDirOf(dataDir, core.store.data.settings))
  return { core, dataDir }
}

/** A saved transcript of file `n`: one segment per speech part. */
async function saved(core: Core, dataDir: string, n: number): Promise<string> {
  const audio = files[n]!
  const name = `meeting-${n + 1}.wav`
  const mediaPath = writeWav(path.join(dataDir, name), audio.samples)
  const segments: Segment[] = audio.speech.map((p, id) => ({ id, start: p.start, end: p.end, text: `part ${id + 1}` }))
  const now = new Date().toISOString()
  const meta = await core.transcripts.save(
    {
      jobId: `job-${n}`,
      fileName: name,
      mediaPath,
      hasVideo: false,
      createdAt: now,
      updatedAt: now,
      durationSec: audio.durationSec,
      language: 'en',
      model: 'base',
    },
    segments,
  )
  return meta.id
}

/** Who says each speech part, by name, after detection. */
async function detect(core: Core, id: string): Promise<string[]> {
  const view = await call(core, 'speakers.detect', { id, speakers: 'auto' })
  expect(new Set(view.segments.map((s) => s.speaker)).size).toBe(2)
  return view.segments.map((s) => view.meta.speakers![s.speaker!]!)
}

describe('voice library: speakers recognised across files (real detection child, generated models, espeak-ng voices)', () => {
  it('a speaker named in file 1 is recognised by name in files 2 and 3; the stranger is not; forget stops it', async () => {
    const { core, dataDir } = await open()
    const [one, two, three] = [await saved(core, dataDir, 0), await saved(core, dataDir, 1), await saved(core, dataDir, 2)]

    expect(await detect(core, one)).toEqual(['Speaker 1', 'Speaker 2'])
    expect(await call(core, 'voices.ofTranscript', { id: one })).toEqual({ speakers: {}, heard: ['S1', 'S2'] })
    await call(core, 'speakers.rename', { id: one, speaker: 'S1', name: 'Ayşe' })
    const list = await call(core, 'voices.list', {})
    expect(list.voices).toMatchObject([{ name: 'Ayşe', samples: 1, otherModel: false }])
    expect(list.threshold).toBe(0.6)
    // the library is the user's alone, and a file of its own
    const file = path.join(dataDir, 'voices', 'library.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(path.join(dataDir, 'db.json'), 'utf8')).not.toContain('embedding')
    expect((await call(core, 'voices.ofTranscript', { id: one })).speakers.S1).toMatchObject({
      name: 'Ayşe',
      how: 'named',
      score: null,
    })

    // file 2: Ayşe speaks first; file 3: she speaks second, quieter
    expect(await detect(core, two)).toEqual(['Ayşe', 'Speaker 2'])
    expect(await detect(core, three)).toEqual(['Speaker 1', 'Ayşe'])
    const seen2 = await call(core, 'voices.ofTranscript', { id: two })
    expect(Object.keys(seen2.speakers)).toEqual(['S1'])
    expect(seen2.speakers.S1).toMatchObject({ name: 'Ayşe', how: 'recognised', voiceId: list.voices[0]!.id })
    expect(seen2.speakers.S1!.score).toBeGreaterThan(0.9)
    expect((await call(core, 'voices.ofTranscript', { id: three })).speakers.S2).toMatchObject({ how: 'recognised' })
    // exports carry the recognised name
    expect((await call(core, 'transcripts.export', { id: two, format: 'txt' })).content).toMatch(/^Ayşe: part 1/)

    // a threshold above what the voice scores: not matched
    await call(core, 'voices.settings', { threshold: 0.99 })
    expect(await detect(core, two)).toEqual(['Speaker 1', 'Speaker 2'])
    await call(core, 'voices.settings', { threshold: 0.6 })

    // forgotten: matched no more; the transcripts keep the names they had
    expect((await call(core, 'voices.forget', { voiceId: list.voices[0]!.id })).voices).toEqual([])
    expect(await detect(core, three)).toEqual(['Speaker 1', 'Speaker 2'])
    expect((await call(core, 'transcripts.get', { id: one })).meta.speakers).toEqual({ S1: 'Ayşe', S2: 'Speaker 2' })
    expect(await call(core, 'voices.ofTranscript', { id: one })).toEqual({ speakers: {}, heard: ['S1', 'S2'] })
    await core.close()
  })

  it('"not Ayşe" unlabels and is not matched again there; "this is Ayşe" labels and adds to her voice', async () => {
    const { core, dataDir } = await open()
    const [one, two, three] = [await saved(core, dataDir, 0), await saved(core, dataDir, 1), await saved(core, dataDir, 2)]
    await detect(core, one)
    await call(core, 'speakers.rename', { id: one, speaker: 'S1', name: 'Ayşe' })
    const ayse = (await call(core, 'voices.list', {})).voices[0]!
    expect(await detect(core, two)).toEqual(['Ayşe', 'Speaker 2'])

    const rejected = await call(core, 'voices.reject', { id: two, speaker: 'S1' })
    expect(rejected.meta.speakers).toEqual({ S1: 'Speaker 1', S2: 'Speaker 2' })
    expect((await call(core, 'voices.ofTranscript', { id: two })).speakers).toEqual({})
    // detected again, the same voice is not taken for Ayşe there
    expect(await detect(core, two)).toEqual(['Speaker 1', 'Speaker 2'])
    expect((await call(core, 'voices.list', {})).voices).toMatchObject([{ id: ayse.id, samples: 1 }])

    // the user says it is Ayşe after all: named, her voice has two samples, and it is recognised again
    const confirmed = await call(core, 'voices.confirm', { id: two, speaker: 'S1', voiceId: ayse.id })
    expect(confirmed.meta.speakers).toEqual({ S1: 'Ayşe', S2: 'Speaker 2' })
    expect((await call(core, 'voices.list', {})).voices).toMatchObject([{ id: ayse.id, samples: 2 }])
    expect(await detect(core, two)).toEqual(['Ayşe', 'Speaker 2'])
    expect(await detect(core, three)).toEqual(['Speaker 1', 'Ayşe'])

    // naming the stranger gives a second voice; the two are never given to one speaker
    await call(core, 'speakers.rename', { id: three, speaker: 'S1', name: 'Mehmet' })
    expect((await call(core, 'voices.list', {})).voices.map((v) => v.name)).toEqual(['Ayşe', 'Mehmet'])
    expect(await detect(core, one)).toEqual(['Ayşe', 'Mehmet'])

    // renaming a speaker that was named before moves its voice: Mehmet was a mistake, it is Can
    await call(core, 'speakers.rename', { id: three, speaker: 'S1', name: 'Can' })
    expect((await call(core, 'voices.list', {})).voices.map((v) => v.name)).toEqual(['Ayşe', 'Can'])
    // a default name is no one's: the speaker is unlinked, its voice not kept
    await call(core, 'speakers.rename', { id: three, speaker: 'S1', name: 'Speaker 1' })
    expect((await call(core, 'voices.list', {})).voices.map((v) => v.name)).toEqual(['Ayşe'])
    await core.close()
  })

  it('rename and merge voices; export and import round trip into another data folder', async () => {
    const { core, dataDir } = await open()
    const [one, two] = [await saved(core, dataDir, 0), await saved(core, dataDir, 1)]
    await detect(core, one)
    await call(core, 'speakers.rename', { id: one, speaker: 'S1', name: 'Ayse' })
    await detect(core, two)
    // the same person named twice under two spellings, then merged into one
    await call(core, 'voices.reject', { id: two, speaker: 'S1' })
    await call(core, 'speakers.rename', { id: two, speaker: 'S1', name: 'Ayşe Y.' })
    await call(core, 'speakers.rename', { id: two, speaker: 'S2', name: 'Mehmet' })
    let list = await call(core, 'voices.list', {})
    expect(list.voices.map((v) => v.name)).toEqual(['Ayse', 'Ayşe Y.', 'Mehmet'])
    const [a, b] = list.voices
    list = await call(core, 'voices.merge', { from: a!.id, into: b!.id })
    expect(list.voices.map((v) => [v.name, v.samples])).toEqual([
      ['Ayşe Y.', 2],
      ['Mehmet', 1],
    ])
    list = await call(core, 'voices.rename', { voiceId: b!.id, name: 'Ayşe' })
    expect(list.voices.map((v) => v.name)).toEqual(['Ayşe', 'Mehmet'])
    // the speaker linked to the merged-away voice is linked to the one it joined
    expect((await call(core, 'voices.ofTranscript', { id: one })).speakers.S1).toMatchObject({ voiceId: b!.id, name: 'Ayşe' })

    const exported = await call(core, 'voices.export', {})
    expect(exported.fileName).toMatch(/^mp4totext-voices-\d{4}-\d{2}-\d{2}\.json$/)
    await core.close()

    // another machine (another data folder), the same models: the imported voices are recognised
    const other = await open()
    const three = await saved(other.core, other.dataDir, 2)
    const imported = await call(other.core, 'voices.import', { content: exported.content })
    expect(imported).toMatchObject({ added: 2, merged: 0, skipped: 0 })
    expect(imported.list.voices.map((v) => [v.name, v.samples])).toEqual([
      ['Ayşe', 2],
      ['Mehmet', 1],
    ])
    expect(await detect(other.core, three)).toEqual(['Mehmet', 'Ayşe'])
    // the same file again: nothing doubled
    expect(await call(other.core, 'voices.import', { content: exported.content })).toMatchObject({ added: 0, skipped: 2 })
    // not a voices file: refused, in the user's words, nothing changed
    const err = await dispatch(other.core.handlers, 'voices.import', { content: '{"voices": "yes"}' })
    expect(err).toMatchObject({ ok: false, error: { code: 'invalid-input', key: 'voices-file-invalid' } })
    expect(!err.ok && err.error.message).toMatch(/not a voice library exported by MP4toText.*nothing was imported/)
    expect((await call(other.core, 'voices.list', {})).voices).toHaveLength(2)
    await other.core.close()
  })

  it('a voice from another embedding model is not compared', async () => {
    const { core, dataDir } = await open()
    const [one, two] = [await saved(core, dataDir, 0), await saved(core, dataDir, 1)]
    await detect(core, one)
    await call(core, 'speakers.rename', { id: one, speaker: 'S1', name: 'Ayşe' })
    // another embedding model in its place (the same graph, so the vectors would even agree)
    const file = speakerModelPaths(modelsDirOf(dataDir, core.store.data.settings)).embedding
    const model = onnxProto.onnx.ModelProto.decode(readFileSync(file))
    model.docString = 'another model'
    writeFileSync(file, onnxProto.onnx.ModelProto.encode(model).finish())
    expect((await call(core, 'voices.list', {})).voices).toMatchObject([{ name: 'Ayşe', otherModel: true }])
    expect(await detect(core, two)).toEqual(['Speaker 1', 'Speaker 2'])
    const err = await dispatch(core.handlers, 'voices.confirm', {
      id: two,
      speaker: 'S1',
      voiceId: (await call(core, 'voices.list', {})).voices[0]!.id,
    })
    expect(err).toMatchObject({ ok: false, error: { code: 'invalid-input', key: 'voices-other-model' } })
    await core.close()
  })

  it('a damaged voice library file is kept aside with a clear notice; the library starts again and works', async () => {
    const { core, dataDir } = await open()
    const one = await saved(core, dataDir, 0)
    await detect(core, one)
    await call(core, 'speakers.rename', { id: one, speaker: 'S1', name: 'Ayşe' })
    const file = path.join(dataDir, 'voices', 'library.json')
    const damaged = readFileSync(file, 'utf8').slice(0, 120) // cut short, as a crash or a full disk leaves it
    writeFileSync(file, damaged)

    const list = await call(core, 'voices.list', {})
    expect(list.voices).toEqual([])
    expect(list.damaged!.copy).toMatch(/library\.json\.damaged-/)
    expect(readFileSync(list.damaged!.copy, 'utf8')).toBe(damaged)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    // detection goes on, and a new name starts the new library
    expect(await detect(core, one)).toEqual(['Speaker 1', 'Speaker 2'])
    await call(core, 'speakers.rename', { id: one, speaker: 'S1', name: 'Ayşe' })
    expect((await call(core, 'voices.list', {})).voices.map((v) => v.name)).toEqual(['Ayşe'])
    // seen: the notice goes, the copy stays
    const after = await call(core, 'voices.dismissDamaged', {})
    expect(after.damaged).toBeUndefined()
    expect(readFileSync(list.damaged!.copy, 'utf8')).toBe(damaged)
    await core.close()
  })
})
