import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { exportBytes, render, renderExport } from '../../src/core/transcribe/exports'
import type { DocumentOptions, Segment } from '../../src/shared/transcribe-types'
import { pyCsv, pyDocx, pyMarkdown } from '../helpers/subtitle-readers'
import { useTempDirs } from '../helpers/temp-dir'

/** Markdown, CSV and DOCX exports as Python-Markdown, Python's csv module and zipfile + ElementTree read them. */

const tempDir = useTempDirs()

const segs: Segment[] = [
  { id: 0, start: 0, end: 2.5, text: 'Merhaba, "hoş geldiniz".', speaker: 'S1' },
  { id: 1, start: 2.5, end: 5, text: 'Bugün *önemli* bir konu: #1 <b> & _alt_ [link](x)', speaker: 'S1' },
  { id: 2, start: 62.4, end: 65, text: 'Satır\nsonu, virgül', speaker: 'S2' },
]
const names = { S1: 'Ayşe', S2: 'Mehmet, Jr.' }

describe('CSV export', () => {
  it('has start, end, speaker and text per segment, quoted as RFC 4180 says', () => {
    const csv = render(segs, 'csv', { speakers: names })
    expect(csv).toContain('\r\n')
    const rows = pyCsv(csv.replace(/^\uFEFF/, ''))
    expect(rows[0]).toEqual(['start', 'end', 'speaker', 'text'])
    expect(rows.slice(1)).toEqual([
      ['00:00:00.000', '00:00:02.500', 'Ayşe', 'Merhaba, "hoş geldiniz".'],
      ['00:00:02.500', '00:00:05.000', 'Ayşe', 'Bugün *önemli* bir konu: #1 <b> & _alt_ [link](x)'],
      ['00:01:02.400', '00:01:05.000', 'Mehmet, Jr.', 'Satır\nsonu, virgül'],
    ])
  })

  it('leaves the speaker empty where none was detected', () => {
    const rows = pyCsv(render([{ id: 0, start: 1, end: 2, text: 'Tek.' }], 'csv').replace(/^\uFEFF/, ''))
    expect(rows).toEqual([
      ['start', 'end', 'speaker', 'text'],
      ['00:00:01.000', '00:00:02.000', '', 'Tek.'],
    ])
  })
})

describe('Markdown export', () => {
  it('reads back as the transcript’s text, with names and times, and no markup taken from the text', () => {
    const md = render(segs, 'md', { fileName: 'toplantı.mp4', speakers: names })
    const { html, text } = pyMarkdown(md)
    expect(html).toContain('<h1>toplantı.mp4</h1>')
    // nothing in the text became emphasis, a link, a heading or a tag
    expect(html).not.toMatch(/<em>|<a |<b>|<h2/)
    expect(text).toContain('Ayşe')
    expect(text).toContain('[00:00]')
    expect(text).toContain('Merhaba, "hoş geldiniz". Bugün *önemli* bir konu: #1 <b> & _alt_ [link](x)')
    expect(text).toContain('Mehmet, Jr.')
    expect(text).toContain('[01:02]')
    expect(text.replace(/\s+/g, ' ')).toContain('Satır sonu, virgül')
  })

  it('leaves names and times out when asked', () => {
    const md = render(segs, 'md', { fileName: 'a.mp4', speakers: names }, {}, { speakers: false, timestamps: false })
    const { text } = pyMarkdown(md)
    expect(text).not.toContain('Ayşe')
    expect(text).not.toContain('[00:00]')
    expect(text).toContain('Merhaba, "hoş geldiniz".')
  })
})

describe('DOCX export', () => {
  const docx = async (segments: Segment[], speakers: Record<string, string>, doc: Partial<DocumentOptions> = {}) => {
    const out = await renderExport(segments, 'docx', { fileName: 'toplantı.mp4', speakers }, {}, doc)
    expect(out.encoding).toBe('base64')
    const file = path.join(tempDir(), 'toplantı.docx')
    writeFileSync(file, exportBytes(out))
    return pyDocx(file)
  }

  it('unzips to a document whose paragraphs are the turns, in order, names bold, times before them, Turkish intact', async () => {
    const paragraphs = await docx(segs, names)
    expect(paragraphs[0]!.text).toBe('toplantı.mp4')
    expect(paragraphs[0]!.style).toMatch(/Heading1|Title/)
    expect(paragraphs.slice(1).map((p) => p.text)).toEqual([
      '[00:00] Ayşe: Merhaba, "hoş geldiniz". Bugün *önemli* bir konu: #1 <b> & _alt_ [link](x)',
      '[01:02] Mehmet, Jr.: Satır sonu, virgül',
    ])
    // the name is a label: its own bold run, the text is not bold
    const turn = paragraphs[1]!.runs.filter((r) => r.text.trim())
    expect(turn.find((r) => r.text.includes('Ayşe'))!.bold).toBe(true)
    expect(turn.find((r) => r.text.includes('Merhaba'))!.bold).toBe(false)
  })

  it('leaves names and times out when asked: one paragraph per segment then', async () => {
    const paragraphs = await docx(segs, names, { speakers: false, timestamps: false })
    expect(paragraphs.slice(1).map((p) => p.text)).toEqual([
      'Merhaba, "hoş geldiniz".',
      'Bugün *önemli* bir konu: #1 <b> & _alt_ [link](x)',
      'Satır sonu, virgül',
    ])
    const timed = await docx(segs, names, { speakers: false })
    expect(timed.slice(1).map((p) => p.text)).toEqual([
      '[00:00] Merhaba, "hoş geldiniz".',
      '[00:02] Bugün *önemli* bir konu: #1 <b> & _alt_ [link](x)',
      '[01:02] Satır sonu, virgül',
    ])
  })

  it('takes a speaker’s name as text: tags, "&", "-->" and line breaks change no paragraph', async () => {
    const paragraphs = await docx(segs, { S1: '<b>Ali</b> & --> Co', S2: 'Ay\nşe\u0007' })
    expect(paragraphs.slice(1).map((p) => p.text)).toEqual([
      '[00:00] <b>Ali</b> & --> Co: Merhaba, "hoş geldiniz". Bugün *önemli* bir konu: #1 <b> & _alt_ [link](x)',
      '[01:02] Ay şe: Satır sonu, virgül',
    ])
  })
})
