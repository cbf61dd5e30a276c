import { describe, expect, it } from 'vitest'
import { layoutLines, shapeCues, type CueSource } from '../../src/shared/subtitle-cues'

const words = (cues: ReturnType<typeof shapeCues>) => cues.flatMap((c) => c.lines.join(' ').split(' '))

const lecture: CueSource[] = [
  {
    start: 0,
    end: 21,
    text:
      'Bugün yapay zekâ ile konuşma tanımanın nasıl çalıştığını anlatacağım. Önce sesin spektrogramını çıkarıyoruz, ' +
      'sonra kodlayıcı bu spektrogramı bir dizi vektöre çeviriyor, en sonda da çözücü metni kelime kelime yazıyor. ' +
      'Sorularınızı sona bırakın lütfen.',
  },
  { start: 21.5, end: 23, text: 'Teşekkürler.' },
]

describe('subtitle cues', () => {
  it('keeps broadcast norms: 42 characters a line, 2 lines, cues of 1–7 s with a gap, no word split', () => {
    const cues = shapeCues(lecture)
    expect(cues.length).toBeGreaterThan(3)
    for (const c of cues) {
      expect(c.lines.length).toBeLessThanOrEqual(2)
      for (const l of c.lines) expect(l.length).toBeLessThanOrEqual(42)
      expect(c.end - c.start).toBeGreaterThanOrEqual(0.999)
      expect(c.end - c.start).toBeLessThanOrEqual(7.001)
    }
    for (let i = 1; i < cues.length; i++) expect(cues[i]!.start - cues[i - 1]!.end).toBeGreaterThanOrEqual(0.079)
    // every word of the transcript is there once, in order, whole
    expect(words(cues)).toEqual(lecture.flatMap((s) => s.text.split(' ')))
  })

  it('breaks at a sentence end before a comma, and at a comma before any word', () => {
    const cues = shapeCues(lecture)
    const ends = cues.map((c) => c.lines.join(' ').at(-1))
    // the first sentence ends a cue rather than running into the next one
    expect(cues.some((c) => c.lines.join(' ').endsWith('anlatacağım.'))).toBe(true)
    expect(ends.filter((e) => e === '.' || e === ',').length).toBeGreaterThanOrEqual(3)
  })

  it('uses word timing where the engine gave it', () => {
    const seg: CueSource = {
      start: 10,
      end: 14,
      text: 'one two three',
      words: [
        { start: 10, end: 10.4, text: 'one' },
        { start: 12, end: 12.3, text: 'two' },
        { start: 13.5, end: 14, text: 'three' },
      ],
    }
    const [cue] = shapeCues([seg], { maxLineChars: 3, maxLines: 1 })
    expect(cue!.start).toBe(10)
    expect(shapeCues([seg], { maxLineChars: 3, maxLines: 1 }).map((c) => c.start)).toEqual([10, 12, 13.5])
  })

  it('starts a new cue when the speaker changes', () => {
    const cues = shapeCues([
      { start: 0, end: 1, text: 'Merhaba.', speaker: 'Ayşe' },
      { start: 1.2, end: 2, text: 'Merhaba!', speaker: 'Mehmet' },
    ])
    expect(cues.map((c) => c.speaker)).toEqual(['Ayşe', 'Mehmet'])
  })

  it('marks a cue that reads too fast even after using the room there was', () => {
    const text = 'This is far too much text to read in such a very short time.'
    const cues = shapeCues([
      { start: 0, end: 1, text },
      { start: 1.1, end: 2, text: 'Next.' },
    ])
    expect(cues[0]!.tooFast).toBe(true)
    expect(cues[0]!.cps).toBeGreaterThan(17)
    // with room after it, the cue is held long enough to read
    const roomy = shapeCues([{ start: 0, end: 1, text: 'short line of text here' }])
    expect(roomy[0]!.tooFast).toBe(false)
  })

  it('never breaks inside a word, even one longer than a line', () => {
    const long = 'Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft'
    expect(layoutLines([long], { maxLineChars: 42, maxLines: 2 })).toEqual([long])
    const cues = shapeCues([{ start: 0, end: 5, text: `a ${long} b` }])
    expect(words(cues)).toEqual(['a', long, 'b'])
  })
})

describe('SRT and VTT exports', () => {
  it('are shaped by default and follow the rules given', async () => {
    const { render } = await import('../../src/core/transcribe/exports')
    const segs = lecture.map(({ start, end, text }, id) => ({ id, start, end, text }))
    const srt = render(segs, 'srt')
    const lines = srt.split('\n').filter((l) => l && !/^\d+$/.test(l) && !l.includes('-->'))
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(42)
    const narrow = render(segs, 'vtt', {}, { maxLineChars: 20, maxLines: 1 })
    expect(narrow.startsWith('WEBVTT\n\n')).toBe(true)
    const textLines = narrow.split('\n').filter((l) => l && l !== 'WEBVTT' && !l.includes('-->'))
    expect(Math.max(...textLines.map((l) => l.length))).toBeLessThanOrEqual(20)
    expect(textLines.join(' ')).toBe(lecture.map((s) => s.text).join(' '))
  })
})

describe('word timing from the engine', () => {
  it('joins whisper’s tokens into whole words, so nothing can split inside a word', async () => {
    const { wordsFromTokens } = await import('../../src/core/transcribe/word-timing')
    const words = wordsFromTokens([
      { word: '[_BEG_]', start: 0, end: 0, probability: 1 },
      { word: ' Merh', start: 0.1, end: 0.3, probability: 0.9 },
      { word: 'aba', start: 0.3, end: 0.5, probability: 0.6 },
      { word: ',', start: 0.5, end: 0.52, probability: 0.99 },
      { word: ' dün', start: 0.7, end: 0.9, probability: 0.8 },
      { word: 'ya', start: 0.9, end: 1.1, probability: 0.95 },
      { word: '.', start: 1.1, end: 1.12, probability: 0.99 },
    ])
    expect(words).toEqual([
      { start: 0.1, end: 0.52, text: 'Merhaba,', probability: 0.6 },
      { start: 0.7, end: 1.12, text: 'dünya.', probability: 0.8 },
    ])
    // and cues made from them break between those words only
    const cues = shapeCues([{ start: 0, end: 1.2, text: 'Merhaba, dünya.', words }], { maxLineChars: 9, maxLines: 1 })
    expect(cues.map((c) => c.lines.join(' '))).toEqual(['Merhaba,', 'dünya.'])
  })
})

describe('an edited segment', () => {
  it('is cut by its text, not by word timing that described the old words', () => {
    const cues = shapeCues([
      { start: 0, end: 2, text: 'Merhaba dünya, düzeltilmiş.', words: [{ start: 0, end: 2, text: 'wzv1' }] },
    ])
    expect(cues.map((c) => c.lines.join(' '))).toEqual(['Merhaba dünya, düzeltilmiş.'])
  })
})
