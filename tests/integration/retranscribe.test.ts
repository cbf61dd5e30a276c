import { describe, expect, it } from 'vitest'
import { dispatch } from '../../src/shared/dispatch'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

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
})
