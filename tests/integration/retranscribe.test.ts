import { describe, expect, it } from 'vitest'
import type { CallInput, CallOutput, Handlers } from '../../src/shared/contract'
import { dispatch } from '../../src/shared/dispatch'
import type { Segment } from '../../src/shared/transcribe-types'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

/** A re-transcription through the contract, which must succeed. */
async function redo(handlers: Handlers, input: CallInput<'transcripts.retranscribe'>) {
  const res = await dispatch(handlers, 'transcripts.retranscribe', input)
  if (!res.ok) throw new Error(JSON.stringify(res))
  return res.value as CallOutput<'transcripts.retranscribe'>
}

describe('re-transcribe a selection', () => {
  it('replaces only the chosen segments, on the file’s timeline; edits elsewhere are kept', async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir)
    const file = makeMedia(dir, 'ders kaydı.wav', { seconds: 12 })
    const now = new Date().toISOString()
    const meta = await core.transcripts.save(
      {
        jobId: 'job-x',
        fileName: 'ders kaydı.wav',
        mediaPath: file,
        hasVideo: false,
        createdAt: now,
        updatedAt: now,
        durationSec: 12,
        language: 'en',
        model,
      },
      [
        { id: 0, start: 0, end: 3, text: 'Birinci, elle düzeltildi.' },
        { id: 1, start: 3, end: 6, text: 'ikinci yanlış' },
        { id: 2, start: 6, end: 9, text: 'üçüncü yanlış' },
        { id: 3, start: 9, end: 12, text: 'Dördüncü, elle düzeltildi.' },
      ],
    )
    const res = await dispatch(core.handlers, 'transcripts.retranscribe', { id: meta.id, from: 1, to: 2, language: 'tr' })
    expect(res.ok, JSON.stringify(res)).toBe(true)
    const { segments } = await core.transcripts.get(meta.id)
    expect(segments[0]).toMatchObject({ start: 0, end: 3, text: 'Birinci, elle düzeltildi.' })
    expect(segments.at(-1)).toMatchObject({ start: 9, end: 12, text: 'Dördüncü, elle düzeltildi.' })
    const middle = segments.slice(1, -1)
    expect(middle.map((s) => s.text)).not.toContain('ikinci yanlış')
    for (const s of middle) {
      expect(s.start).toBeGreaterThanOrEqual(3)
      expect(s.end).toBeLessThanOrEqual(9)
    }
    expect(segments.map((s) => s.id)).toEqual(segments.map((_, i) => i))
    // a range that does not exist is refused, and nothing changes
    const bad = await dispatch(core.handlers, 'transcripts.retranscribe', { id: meta.id, from: 7, to: 9 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect((await core.transcripts.get(meta.id)).segments).toEqual(segments)
    await core.close()
  })

  it('ticked segments with an edited one between: each run is replaced on its own, the rest kept; Undo restores', async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir)
    const file = makeMedia(dir, 'toplantı.wav', { seconds: 15, noise: true })
    const now = new Date().toISOString()
    const meta = await core.transcripts.save(
      {
        jobId: 'job-y',
        fileName: 'toplantı.wav',
        mediaPath: file,
        hasVideo: false,
        createdAt: now,
        updatedAt: now,
        durationSec: 15,
        language: 'en',
        model,
      },
      [
        { id: 0, start: 0, end: 3, text: 'Birinci.', speaker: 'S1' },
        { id: 1, start: 3, end: 6, text: 'ikinci yanlış' },
        { id: 2, start: 6, end: 9, text: 'üçüncü' },
        { id: 3, start: 9, end: 12, text: 'dördüncü yanlış' },
        { id: 4, start: 12, end: 15, text: 'Beşinci.' },
      ],
    )
    // the one between the ticked ones was corrected by hand: it is not ticked
    await core.transcripts.updateSegment(meta.id, 2, 'Üçüncü, elle düzeltildi.')
    const before = (await core.transcripts.get(meta.id)).segments
    const withoutId = ({ id: _id, ...rest }: Segment) => rest

    const res = await redo(core.handlers, { id: meta.id, segmentIds: [1, 3], language: 'tr' })
    const after = (await core.transcripts.get(meta.id)).segments
    expect(res.segments).toEqual(after)
    expect(after.map((s) => s.id)).toEqual(after.map((_, i) => i))
    // the unticked segments are exactly as they were, in order
    const kept = after.filter((s) => !res.changed.includes(s.id))
    expect(kept.map(withoutId)).toEqual([before[0]!, before[2]!, before[4]!].map(withoutId))
    // the new ones are where the ticked ones were: before and after the edited one, never across it
    const edited = after.find((s) => s.text === 'Üçüncü, elle düzeltildi.')!
    for (const id of res.changed) {
      const s = after[id]!
      if (id < edited.id) expect([s.start >= 3, s.end <= 6]).toEqual([true, true])
      else expect([s.start >= 9, s.end <= 12]).toEqual([true, true])
    }
    expect(after.map((s) => s.text)).not.toContain('ikinci yanlış')
    expect(after.map((s) => s.text)).not.toContain('dördüncü yanlış')

    // an edit made after the re-transcription, elsewhere, survives the undo
    await core.transcripts.updateSegment(meta.id, 0, 'Birinci, sonra düzeltildi.')
    const undone = await dispatch(core.handlers, 'transcripts.undoRetranscribe', { id: meta.id, undo: res.undo })
    expect(undone.ok, JSON.stringify(undone)).toBe(true)
    const restored = (await core.transcripts.get(meta.id)).segments
    expect(restored).toEqual([{ ...before[0]!, text: 'Birinci, sonra düzeltildi.' }, ...before.slice(1)])
    // an undo is used once
    const again = await dispatch(core.handlers, 'transcripts.undoRetranscribe', { id: meta.id, undo: res.undo })
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect((await core.transcripts.get(meta.id)).segments).toEqual(restored)
    await core.close()
  })

  it('Undo is refused, changing nothing, once a segment it would take back was edited', async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir)
    const file = makeMedia(dir, 'kısa.wav', { seconds: 6, noise: true })
    const now = new Date().toISOString()
    const meta = await core.transcripts.save(
      {
        jobId: 'job-z',
        fileName: 'kısa.wav',
        mediaPath: file,
        hasVideo: false,
        createdAt: now,
        updatedAt: now,
        durationSec: 6,
        language: 'en',
        model,
      },
      [
        { id: 0, start: 0, end: 3, text: 'bir' },
        { id: 1, start: 3, end: 6, text: 'iki' },
      ],
    )
    const res = await redo(core.handlers, { id: meta.id, segmentIds: [0, 1] })
    // noise through the random-weight model: some text comes back, all of it new
    expect(res.segments.length).toBeGreaterThan(0)
    expect(res.changed).toEqual(res.segments.map((s) => s.id))
    await core.transcripts.updateSegment(meta.id, 0, 'elle yazıldı')
    const current = (await core.transcripts.get(meta.id)).segments
    const undo = await dispatch(core.handlers, 'transcripts.undoRetranscribe', { id: meta.id, undo: res.undo })
    expect(undo).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/edited/) } })
    expect((await core.transcripts.get(meta.id)).segments).toEqual(current)
    await core.close()
  })
})
