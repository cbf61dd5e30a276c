import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { outputPathFor } from '../../src/cli/transcribe-commands'
import { parseProbe, probe } from '../../src/core/media/probe'
import { render } from '../../src/core/transcribe/exports'
import { planOutputs } from '../../src/core/watch/output-files'
import { layoutLines, shapeCues } from '../../src/shared/subtitle-cues'
import type { Segment } from '../../src/shared/transcribe-types'
import { makeMedia } from '../helpers/media'
import { assTexts, ffmpegRead, pyCsv, pyMarkdown, pySrt, pyWebvtt } from '../helpers/subtitle-readers'
import { useTempDirs } from '../helpers/temp-dir'

/** Our SRT and VTT as readers that are not ours read them: python3-webvtt, python3-srt, ffmpeg. */

const seg = (id: number, start: number, end: number, text: string, speaker?: string): Segment => ({
  id,
  start,
  end,
  text,
  ...(speaker ? { speaker } : {}),
})
const tempDir = useTempDirs()
const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ')

const tricky = [
  seg(0, 0, 2, 'if 5 < 6.'),
  seg(1, 3, 5, 'a --> b'),
  seg(2, 6, 8, 'Tom &amp; Jerry & co.'),
  seg(3, 9, 11, 'say <i>x</i> or <6 and 6> now'),
  seg(4, 12, 14, '{\\an8} top'),
]

describe('VTT cue text', () => {
  it('reads back character for character in python3-webvtt and ffmpeg', () => {
    const vtt = render(tricky, 'vtt')
    const all = tricky.map((s) => s.text).join(' ')
    expect(
      pyWebvtt(vtt)
        .map((c) => oneLine(c.text))
        .join(' '),
    ).toBe(all)
    // ffmpeg's WebVTT reader, written out as ASS: the same text, no markup taken from it (a
    // "{\\" is plain text in WebVTT; ASS, the format ffmpeg converts to, has no way to say so)
    const plain = tricky.slice(0, -1)
    const { out } = ffmpegRead(render(plain, 'vtt'), 'vtt', 'ass')
    expect(out).not.toContain('{\\i1}')
    expect(assTexts(out).map(oneLine).join(' ')).toBe(plain.map((s) => s.text).join(' '))
  })

  it('keeps the voice span for speakers, with the name neutralised', () => {
    const vtt = render([seg(0, 0, 2, 'Merhaba <b>', 'S1')], 'vtt', { speakers: { S1: 'A&B <x>' } })
    // no character references in the name: ffmpeg would show them as the cue's text
    expect(vtt).toContain('<v A＆B ‹x›>Merhaba &lt;b&gt;')
    expect(pyWebvtt(vtt).map((c) => c.text)).toEqual(['Merhaba <b>'])
  })
})

describe('SRT cue text', () => {
  it('holds nothing ffmpeg takes for markup: no warning, no word lost, no italics', () => {
    const srt = render(tricky, 'srt')
    expect(pySrt(srt).length).toBeGreaterThan(0)
    const { out, warnings } = ffmpegRead(srt, 'srt', 'ass')
    expect(warnings).toBe('')
    expect(out).not.toContain('{\\i1}')
    expect(out).not.toContain('{\\an8}')
    // every word is still there (a "<" that would open a tag is shown as "‹")
    const words = assTexts(out).map(oneLine).join(' ').split(' ')
    expect(words).toHaveLength(tricky.flatMap((s) => s.text.split(' ')).length)
    expect(words).toContain('now')
  })
})

describe('speaker labels', () => {
  it('are laid out inside the line length, not added after it', () => {
    const text = 'Bugün konuşma tanımanın nasıl çalıştığını anlatacağım ve sonra sorularınızı alacağım, lütfen sona bırakın.'
    const srt = render([seg(0, 0, 9, text, 'S1'), seg(1, 9.5, 14, text, 'S2')], 'srt', {
      speakers: { S1: 'Ayşe Yılmaz', S2: 'Mehmet Karaca' },
    })
    const cues = pySrt(srt)
    for (const c of cues) for (const line of c.text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(42)
    expect(cues[0]!.text.startsWith('Ayşe Yılmaz: ')).toBe(true)
    expect(cues.some((c) => c.text.startsWith('Mehmet Karaca: '))).toBe(true)
  })
})

describe('cue timing', () => {
  it('never gives a cue of zero length: two segments that start together', () => {
    const srt = render(
      [
        seg(0, 20, 25, 'Önceki cümle burada bitiyor.'),
        seg(1, 29.74, 30.5, 'Evet.', 'S1'),
        seg(2, 29.74, 32, 'Hayır, değil.', 'S2'),
      ],
      'srt',
    )
    const cues = pySrt(srt)
    for (const c of cues) expect(c.end, srt).toBeGreaterThan(c.start)
    for (let i = 1; i < cues.length; i++) expect(cues[i]!.start).toBeGreaterThanOrEqual(cues[i - 1]!.end)
  })

  it('holds a short cue at least 5/6 s where the room allows (alternating speakers)', () => {
    const srt = render(
      [
        seg(0, 0, 4, 'Bir soru sormak istiyorum.', 'S1'),
        seg(1, 6, 6.25, 'Evet.', 'S2'),
        seg(2, 6.3, 6.55, 'Emin misin?', 'S1'),
        seg(3, 6.6, 6.85, 'Evet.', 'S2'),
        seg(4, 6.9, 11, 'O zaman başlayalım, herkes yerine otursun.', 'S1'),
      ],
      'srt',
    )
    const cues = pySrt(srt)
    expect(cues.map((c) => oneLine(c.text).replace(/^S\d: /, ''))).toEqual([
      'Bir soru sormak istiyorum.',
      'Evet.',
      'Emin misin?',
      'Evet.',
      'O zaman başlayalım, herkes yerine otursun.',
    ])
    for (const c of cues) expect(c.end - c.start, srt).toBeGreaterThanOrEqual(5 / 6 - 0.001)
    for (let i = 1; i < cues.length; i++) expect(cues[i]!.start).toBeGreaterThanOrEqual(cues[i - 1]!.end)
  })

  it('keeps gaps of two frames at the chosen frame rate', () => {
    const segs = [seg(0, 0, 1.5, 'Birinci cümle burada.'), seg(1, 1.5, 3, 'İkinci cümle de burada.'), seg(2, 3, 5, 'Üçüncü.')]
    for (const frameRate of [23.976, 24, 25, 30]) {
      const cues = pySrt(render(segs, 'srt', {}, { frameRate }))
      for (let i = 1; i < cues.length; i++)
        expect(cues[i]!.start - cues[i - 1]!.end, `at ${frameRate} fps`).toBeCloseTo(2 / frameRate, 2)
    }
  })

  it('reads the video’s frame rate from the media probe', () => {
    const lines = (video: string) => [
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':",
      '  Duration: 00:00:03.00, start: 0.000000, bitrate: 100 kb/s',
      `    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p, 160x120, 10 kb/s, ${video} (default)`,
      '    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s (default)',
    ]
    expect(parseProbe(lines('23.98 fps, 23.98 tbr, 24k tbn, 47.95 tbc'), 'a.mp4').frameRate).toBe(23.976)
    expect(parseProbe(lines('25 fps, 25 tbr, 12800 tbn, 50 tbc'), 'a.mp4').frameRate).toBe(25)
    expect(parseProbe(lines('29.97 fps, 29.97 tbr, 30k tbn'), 'a.mp4').frameRate).toBe(29.97)
  })

  it('and from a real video file, through ffmpeg', async () => {
    const dir = tempDir()
    expect((await probe(makeMedia(dir, 'ntsc.mp4', { video: true, fps: '24000/1001' }))).frameRate).toBe(23.976)
    expect((await probe(makeMedia(dir, 'pal.mkv', { video: true, fps: '25' }))).frameRate).toBe(25)
    expect((await probe(makeMedia(dir, 'ses.wav'))).frameRate).toBeNull()
  })
})

describe('line breaks', () => {
  it('keep a number with its unit and an article or preposition with its noun (TR and EN)', () => {
    const glued = /(^|\s)(beş|300|the|in|bir|20)\|/
    for (const text of [
      'Her gün beş kilometre yürüyorum',
      'We drove 300 miles to get home',
      'We looked at the car and the house',
      'Sonunda herkes bir şekilde eve döndü',
      'We left the keys in a box by the door',
      'Bu proje için 20 milyon lira harcadık',
    ]) {
      const lines = layoutLines(text.split(' '), { maxLineChars: 24, maxLines: 2 })
      expect(lines!.join('|')).not.toMatch(glued)
      expect(lines!.join(' ')).toBe(text)
    }
  })

  it('keep a verb with its particle ("end up", "give up") and an auxiliary with its verb (EN)', () => {
    for (const [text, width, pair] of [
      ['I think we must end up paying for it', 24, /must\|end|end\|up/],
      ['Where do we end up after all this', 20, /end\|up/],
      ['You should never give up on your dreams', 22, /give\|up/],
      ['It kept breaking down all week long', 24, /breaking\|down/],
    ] as const) {
      const lines = layoutLines(text.split(' '), { maxLineChars: width, maxLines: 2 })
      expect(lines, text).not.toBeNull()
      expect(lines!.join('|')).not.toMatch(pair)
      expect(lines!.join(' ')).toBe(text)
    }
  })

  it('keep a noun with its "etmek" and a word with "de", "değil" after it (TR)', () => {
    for (const [text, width, pair] of [
      ['Toplantıyı sonunda iptal ettik herkes evine döndü', 30, /iptal\|ettik/],
      ['Herkese çok teşekkür ederim geldiğiniz için', 28, /teşekkür\|ederim/],
      ['Bence bu fikir hiç de kötü değil aslında', 24, /hiç\|de|kötü\|değil/],
    ] as const) {
      const lines = layoutLines(text.split(' '), { maxLineChars: width, maxLines: 2 })
      expect(lines, text).not.toBeNull()
      expect(lines!.join('|')).not.toMatch(pair)
      expect(lines!.join(' ')).toBe(text)
    }
  })

  it('prefer a sentence end over evenly balanced lines', () => {
    const lines = layoutLines('Hepsi bu kadar. Şimdi sorulara geçelim mi arkadaşlar'.split(' '), {
      maxLineChars: 42,
      maxLines: 2,
    })
    expect(lines![0]).toBe('Hepsi bu kadar.')
  })

  it('and cues are not cut between a number and its unit either', () => {
    const cues = shapeCues([{ start: 0, end: 4, text: 'Her gün beş kilometre yürüyorum' }], { maxLineChars: 14, maxLines: 1 })
    const texts = cues.map((c) => c.lines.join(' '))
    expect(texts, texts.join(' | ')).not.toContain('Her gün beş')
    expect(texts.join(' ')).toBe('Her gün beş kilometre yürüyorum')
  })
})

describe('file names', () => {
  it('give the timestamped text its own name, the same in every shell', () => {
    expect(outputPathFor('/media/ders.mp4', 'txt-timestamps', undefined, 1)).toBe(path.join('/media', 'ders.timestamps.txt'))
    expect(outputPathFor('/media/ders.mp4', 'txt', undefined, 1)).toBe(path.join('/media', 'ders.txt'))
    expect(planOutputs('/media/ders.mp4', '/out', ['txt', 'txt-timestamps'], new Set(), () => false)).toEqual([
      path.join('/out', 'ders.txt'),
      path.join('/out', 'ders.timestamps.txt'),
    ])
  })

  it('round timestamps one way: TXT and the editor both show where the segment starts, rounded down', async () => {
    const { clockTime } = await import('../../src/shared/subtitle-cues')
    const txt = render([seg(0, 59.6, 62, 'Bir.'), seg(1, 3599.5, 3600, 'İki.'), seg(2, 3725.9, 3726, 'Üç.')], 'txt-timestamps')
    expect(txt).toBe('[00:59] Bir.\n[59:59] İki.\n[1:02:05] Üç.\n')
    // the editor's clock (its segment times), from the same rule
    expect([59.6, 3599.5, 3725.9].map((s) => clockTime(s))).toEqual(['0:59', '59:59', '1:02:05'])
  })
})

describe('speaker names as the user typed them', () => {
  // a name can hold anything: a cue timing, tags, line breaks, "&"
  const names = { S1: '00:00:09,000 --> 00:00:10,000 <b>Ali</b> & Co', S2: 'Ay\nşe\r\n\r\n2' }
  const segs = [seg(0, 0, 2, 'Merhaba.', 'S1'), seg(1, 3, 5, 'Selam.', 'S2'), seg(2, 6, 8, 'Nasılsın?', 'S1')]

  it('break no SRT cue and add no markup: python3-srt and ffmpeg read three cues, the names shown as text', () => {
    const srt = render(segs, 'srt', { speakers: names })
    const cues = pySrt(srt)
    expect(cues.map((c) => c.text.replace(/^.*: /, ''))).toEqual(['Merhaba.', 'Selam.', 'Nasılsın?'])
    const { out, warnings } = ffmpegRead(srt, 'srt', 'ass')
    expect(warnings).toBe('')
    expect(out).not.toContain('{\\b1}')
    const texts = assTexts(out).map(oneLine)
    expect(texts, srt).toHaveLength(3)
    expect(texts[0]).toMatch(/Ali.*& Co: Merhaba\.$/)
    expect(texts[1]).toBe('Ay şe 2: Selam.')
  })

  it('break no VTT cue and add no markup', () => {
    const vtt = render(segs, 'vtt', { speakers: names })
    expect(pyWebvtt(vtt).map((c) => c.text)).toEqual(['Merhaba.', 'Selam.', 'Nasılsın?'])
    const { out } = ffmpegRead(vtt, 'vtt', 'ass')
    expect(out).not.toContain('{\\b1}')
    expect(assTexts(out).map(oneLine)).toEqual(['Merhaba.', 'Selam.', 'Nasılsın?'])
  })

  it('stay on one line in TXT, CSV and Markdown, and add no markup there', () => {
    const txt = render(segs, 'txt', { speakers: names })
    expect(txt.trim().split('\n\n')).toEqual([
      '00:00:09,000 --> 00:00:10,000 <b>Ali</b> & Co: Merhaba.',
      'Ay şe 2: Selam.',
      '00:00:09,000 --> 00:00:10,000 <b>Ali</b> & Co: Nasılsın?',
    ])
    const stamped = render(segs, 'txt-timestamps', { speakers: names }).trim().split('\n')
    expect(stamped).toHaveLength(3)
    expect(stamped[1]).toBe('[00:03] Ay şe 2: Selam.')
    const rows = pyCsv(render(segs, 'csv', { speakers: names }).replace(/^\uFEFF/, ''))
    expect(rows.slice(1).map((r) => r[2])).toEqual([
      '00:00:09,000 --> 00:00:10,000 <b>Ali</b> & Co',
      'Ay şe 2',
      '00:00:09,000 --> 00:00:10,000 <b>Ali</b> & Co',
    ])
    const md = pyMarkdown(render(segs, 'md', { speakers: names }))
    expect(md.html).not.toMatch(/<b>|<h\d/)
    expect(md.text).toContain('00:00:09,000 --> 00:00:10,000 <b>Ali</b> & Co: Merhaba.')
    expect(md.text).toContain('Ay şe 2: Selam.')
  })
})
