import { describe, expect, it } from 'vitest'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

describe('word timing', () => {
  it('the real engine’s words come back whole, in order, inside their segment, and the JSON export carries them', async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir)
    const file = makeMedia(dir, 'kelimeler.wav', { seconds: 8 })
    const [job] = await core.transcription.add([file], { model })
    const done = await finished(core, job!.id)
    expect(done.status, done.error ?? '').toBe('done')
    const { segments } = await core.transcripts.get(done.transcriptId!)
    const withWords = segments.filter((s) => s.words?.length)
    expect(withWords.length).toBeGreaterThan(0)
    for (const s of withWords) {
      let prev = s.start
      for (const w of s.words!) {
        expect(w.start).toBeGreaterThanOrEqual(prev)
        expect(w.end).toBeGreaterThanOrEqual(w.start)
        expect(w.end).toBeLessThanOrEqual(s.end)
        expect(w.probability).toBeGreaterThanOrEqual(0)
        expect(w.probability).toBeLessThanOrEqual(1)
        // whole words: never a piece starting with a space or a bare special token
        expect(w.text).toBe(w.text.trim())
        expect(w.text).not.toMatch(/^\[_/)
        prev = w.start
      }
    }
    const json = JSON.parse((await core.transcripts.exportText(done.transcriptId!, 'json')).content) as {
      segments: { words?: unknown[] }[]
    }
    expect(json.segments.some((s) => (s.words?.length ?? 0) > 0)).toBe(true)
    await core.close()
  })
})
