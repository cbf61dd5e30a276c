// The editor's operations through the contract's dispatch, on real files: find and replace
// (Turkish casing), split, merge, delete and moving a segment's times (word timing kept where it
// still fits), the word list whisper is given again.
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import type { CallInput, CallName, CallOutput } from '../../src/shared/contract'
import { dispatch } from '../../src/shared/dispatch'
import type { Segment, Word } from '../../src/shared/transcribe-types'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { useFakeLlmServer } from '../helpers/use-fake-llm-server'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const cores: Core[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

const llm = useFakeLlmServer({ apiKey: TEST_KEY })

async function withTranscript(segments: Segment[], language = 'en'): Promise<{ core: Core; id: string }> {
  const dataDir = tempDir()
  const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'en-US', env: envFor(llm()) })
  cores.push(core)
  const meta = await core.transcripts.save(
    {
      jobId: 'job',
      fileName: 'kayıt.wav',
      mediaPath: path.join(dataDir, 'kayıt.wav'),
      hasVideo: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: 20,
      language,
      model: 'base',
    },
    segments,
  )
  return { core, id: meta.id }
}

async function call<K extends CallName>(core: Core, name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  const out = await dispatch(core.handlers, name, input)
  if (!out.ok) throw Object.assign(new Error(out.error.message), { code: out.error.code })
  return out.value as CallOutput<K>
}

const word = (text: string, start: number, end: number): Word => ({ text, start, end, probability: 0.9 })

/** "one two three four" from 0 to 4 s, a word a second. */
const timed = (): Segment => ({
  id: 0,
  start: 0,
  end: 4,
  text: 'one two three four',
  words: [word('one', 0, 0.8), word('two', 1, 1.8), word('three', 2, 2.8), word('four', 3, 3.8)],
})

describe('find and replace', () => {
  const texts = ["İstanbul'da IRMAK kenarı", 'istanbul ve Istanbul', 'Irmak Kırmak ırmak']
  const segs = () => texts.map((text, i) => ({ id: i, start: i * 2, end: i * 2 + 1.5, text }))

  it('in a Turkish transcript İ folds to i and I to ı, so a lower-case search finds the capitals', async () => {
    const { core, id } = await withTranscript(segs(), 'tr')
    const r = await call(core, 'transcripts.replaceAll', { id, find: 'istanbul', replace: 'Ankara', wholeWord: true })
    // "Istanbul" folds to "ıstanbul" in Turkish: a different word
    expect(r.replaced).toBe(2)
    expect(r.segments.map((s) => s.text)).toEqual(["Ankara'da IRMAK kenarı", 'Ankara ve Istanbul', 'Irmak Kırmak ırmak'])
    const w = await call(core, 'transcripts.replaceAll', { id, find: 'ırmak', replace: 'nehir', wholeWord: true })
    expect(w.replaced).toBe(3)
    expect(w.segments.map((s) => s.text)).toEqual(["Ankara'da nehir kenarı", 'Ankara ve Istanbul', 'nehir Kırmak nehir'])
    // the change is saved, with a new revision
    const saved = await core.transcripts.get(id)
    expect(saved.segments[2]!.text).toBe('nehir Kırmak nehir')
    expect(saved.meta.revision).toBe(2)
  })

  it('in an English transcript the default folding applies; whole word and match case narrow the search', async () => {
    const { core, id } = await withTranscript(segs(), 'en')
    // "Istanbul" folds to "istanbul" outside Turkish; "İstanbul" does not
    const r = await call(core, 'transcripts.replaceAll', { id, find: 'istanbul', replace: 'X', wholeWord: true })
    expect(r.replaced).toBe(2)
    expect(r.segments[1]!.text).toBe('X ve X')
    const part = await call(core, 'transcripts.replaceAll', { id, find: 'Irmak', replace: 'IRMAK', matchCase: true })
    expect(part.replaced).toBe(1)
    expect(part.segments[2]!.text).toBe('IRMAK Kırmak ırmak')
    const none = await call(core, 'transcripts.replaceAll', { id, find: 'rmak', replace: '-', wholeWord: true })
    expect(none.replaced).toBe(0)
  })

  it('a replacement that keeps the number of words keeps their timing, with the new spelling', async () => {
    const { core, id } = await withTranscript([timed()])
    const r = await call(core, 'transcripts.replaceAll', { id, find: 'two', replace: 'TOO' })
    expect(r.segments[0]!.words).toEqual([word('one', 0, 0.8), word('TOO', 1, 1.8), word('three', 2, 2.8), word('four', 3, 3.8)])
    const r2 = await call(core, 'transcripts.replaceAll', { id, find: 'TOO', replace: 'two and a half' })
    expect(r2.segments[0]!.text).toBe('one two and a half three four')
    expect(r2.segments[0]!.words).toBeUndefined()
  })
})

describe('segment tools', () => {
  it('split at a time: the words before it go to the first part and keep their timing', async () => {
    const { core, id } = await withTranscript([timed(), { id: 1, start: 5, end: 6, text: 'after', speaker: 'S1' }])
    const r = await call(core, 'transcripts.split', { id, segmentId: 0, at: 2.3 })
    expect(r.segments.map((s) => [s.id, s.start, s.end, s.text])).toEqual([
      [0, 0, 2.3, 'one two'],
      [1, 2.3, 4, 'three four'],
      [2, 5, 6, 'after'],
    ])
    expect(r.segments[0]!.words).toEqual([word('one', 0, 0.8), word('two', 1, 1.8)])
    // "three" (2–2.8 s) is mostly after the cut: it goes with the second part, starting where it starts
    expect(r.segments[1]!.words).toEqual([word('three', 2.3, 2.8), word('four', 3, 3.8)])
    expect(r.meta.segmentCount).toBe(3)
  })

  it('split without word timing cuts the text at the space nearest the same share', async () => {
    const { core, id } = await withTranscript([{ id: 0, start: 0, end: 4, text: 'alpha beta gamma delta' }])
    const r = await call(core, 'transcripts.split', { id, segmentId: 0 })
    expect(r.segments.map((s) => s.text)).toEqual(['alpha beta', 'gamma delta'])
    const bad = await dispatch(core.handlers, 'transcripts.split', { id, segmentId: 0, at: 9 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })

  it('merge joins a segment and the next with every word’s timing; delete removes one; ids follow the order', async () => {
    const a: Segment = { id: 0, start: 0, end: 1, text: 'hello', words: [word('hello', 0.1, 0.9)] }
    const b: Segment = { id: 1, start: 1.2, end: 2, text: 'world', words: [word('world', 1.3, 1.9)] }
    const c: Segment = { id: 2, start: 3, end: 4, text: 'again' }
    const { core, id } = await withTranscript([a, b, c])
    const m = await call(core, 'transcripts.merge', { id, segmentId: 0 })
    expect(m.segments).toEqual([
      { id: 0, start: 0, end: 2, text: 'hello world', words: [word('hello', 0.1, 0.9), word('world', 1.3, 1.9)] },
      { ...c, id: 1 },
    ])
    // the last one has nothing after it
    expect(await dispatch(core.handlers, 'transcripts.merge', { id, segmentId: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
    const d = await call(core, 'transcripts.deleteSegment', { id, segmentId: 0 })
    expect(d.segments).toEqual([{ ...c, id: 0 }])
    expect((await core.transcripts.get(id)).segments).toEqual(d.segments)
  })

  it('new start and end: the words inside keep their timing, the ones outside are pulled to the edge; order is kept', async () => {
    const { core, id } = await withTranscript([timed(), { id: 1, start: 5, end: 6, text: 'after' }])
    const r = await call(core, 'transcripts.setTimes', { id, segmentId: 0, start: 0.5, end: 3.5 })
    expect(r.segments[0]).toMatchObject({ start: 0.5, end: 3.5 })
    expect(r.segments[0]!.words).toEqual([
      word('one', 0.5, 0.8),
      word('two', 1, 1.8),
      word('three', 2, 2.8),
      word('four', 3, 3.5),
    ])
    for (const [start, end] of [
      [2, 1],
      [5.5, 7],
      [5, 25],
    ] as const)
      expect(await dispatch(core.handlers, 'transcripts.setTimes', { id, segmentId: 0, start, end })).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      })
  })
})

describe('word list', () => {
  it('is kept with the transcript and given to whisper when its file is transcribed again', async () => {
    const { core, id } = await withTranscript([], 'tr')
    const meta = await call(core, 'transcripts.setPrompt', { id, prompt: '  Ayşe Yılmaz, MP4toText, diarizasyon ' })
    expect(meta.prompt).toBe('Ayşe Yılmaz, MP4toText, diarizasyon')
    const job = await call(core, 'transcripts.transcribeAgain', { id, vad: false })
    expect(job.options).toMatchObject({ prompt: 'Ayşe Yılmaz, MP4toText, diarizasyon', vad: false, model: 'base' })
    core.transcription.cancel(job.id)
    await expect.poll(() => core.transcription.jobs().find((j) => j.id === job.id)?.status).toMatch(/failed|cancelled/)
  })
})

describe('versions', () => {
  it('an enhancement of the transcript is kept among its versions, with its model and credits, and its text', async () => {
    const { core, id } = await withTranscript([{ id: 0, start: 0, end: 2, text: 'so um we ship on friday' }])
    expect(await call(core, 'transcripts.versions', { id })).toEqual([
      { kind: 'original', at: expect.any(String) as string, model: 'base' },
    ])
    const before = core.credits.state().balance
    const result = await core.enhance.run({
      text: 'so um we ship on friday',
      provider: 'groq',
      modelId: 'llama-3.1-8b-instant',
      preset: 'cleanup',
      transcriptId: id,
    })
    // text pasted on the Enhance page belongs to no transcript
    await core.enhance.run({ text: 'other text', provider: 'groq', modelId: 'llama-3.1-8b-instant', preset: 'cleanup' })
    const versions = await call(core, 'transcripts.versions', { id })
    expect(versions).toHaveLength(2)
    expect(versions[1]).toMatchObject({
      kind: 'enhancement',
      id: result.id,
      preset: 'cleanup',
      provider: 'groq',
      modelId: 'llama-3.1-8b-instant',
      credits: result.credits,
    })
    expect(result.credits).toBeGreaterThan(0)
    expect(before - core.credits.state().balance).toBe(result.credits * 2)
    expect((await call(core, 'enhance.output', { id: result.id })).output).toBe(result.text)
  })
})
