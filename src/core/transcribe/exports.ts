import path from 'node:path'
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx'
import {
  exportSuffix,
  speakerName,
  transcriptText,
  type DocumentOptions,
  type ExportFormat,
  type Segment,
  type SubtitleRules,
} from '../../shared/transcribe-types'
import { clockTime, shapeCues, type ShapeOptions } from '../../shared/subtitle-cues'

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** 62.345 → "00:01:02,345" (SRT) or "00:01:02.345" (VTT) */
export function timestamp(sec: number, sep: ',' | '.'): string {
  const ms = Math.round(sec * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`
}

/** "[01:02]" style for plain text with timestamps: the editor's clock, minutes padded */
const shortStamp = (sec: number) => `[${clockTime(sec, true)}]`

/** SRT/VTT cues shaped to the rules (broadcast norms unless told otherwise). */
function cuesOf(segments: Segment[], rules: Partial<SubtitleRules>, opts?: ShapeOptions) {
  return shapeCues(segments, rules, opts)
}

/**
 * VTT cue text: "&", "<" and ">" as character references, so the text is never taken for a
 * tag (a "<" cuts the rest of the cue in Chromium) and "-->" cannot end the cue's text.
 */
export const vttText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * SRT cue text: SRT has no escapes, and readers (ffmpeg, most players) take "<x…>" and "{\…}"
 * for markup, dropping the words in them. A "<" that would open a tag is shown as "‹", a "{"
 * before "\" as "｛": every word stays on screen. "-->" is shown as "→": ffmpeg takes a line that
 * starts with a time and "-->" for the next cue's timing.
 */
export const srtText = (text: string) =>
  text
    .replace(/<(?=[\p{L}\p{N}/!?])/gu, '‹')
    .replace(/\{(?=\\)/g, '｛')
    .replace(/-->/g, '→')

export interface ExportMeta {
  fileName?: string
  language?: string
  speakers?: Record<string, string>
  frameRate?: number | null
}

/** An export as the contract hands it out: text as it is, a binary file (DOCX) as base64. */
export interface ExportContent {
  content: string
  encoding: 'utf8' | 'base64'
}

/** The bytes of an export, to write to a file or put in a zip. */
export const exportBytes = (e: ExportContent): Buffer => Buffer.from(e.content, e.encoding)

/** Any export format: the text ones through `render`, DOCX as a Word document. */
export async function renderExport(
  segments: Segment[],
  format: ExportFormat,
  meta: ExportMeta = {},
  rules: Partial<SubtitleRules> = {},
  doc: Partial<DocumentOptions> = {},
): Promise<ExportContent> {
  if (format === 'docx') return { content: (await docx(segments, meta, doc)).toString('base64'), encoding: 'base64' }
  return { content: render(segments, format, meta, rules, doc), encoding: 'utf8' }
}

export function render(
  segments: Segment[],
  format: Exclude<ExportFormat, 'docx'>,
  meta: ExportMeta = {},
  rules: Partial<SubtitleRules> = {},
  doc: Partial<DocumentOptions> = {},
): string {
  // cues are timed to the video's own frames unless another rate is chosen
  const subtitles = { ...rules, frameRate: rules.frameRate ?? meta.frameRate ?? undefined }
  const names = meta.speakers ?? {}
  const nameOf = (id: string | null | undefined) => (id ? speakerName(names, id) : null)
  switch (format) {
    case 'txt':
      return `${transcriptText(segments, names)}\n`
    case 'txt-timestamps':
      return `${segments.map((s) => `${shortStamp(s.start)} ${s.speaker ? `${nameOf(s.speaker)}: ` : ''}${s.text.trim()}`).join('\n')}\n`
    case 'srt':
      // the name opens a cue where the speaker changes (cues never span two speakers); it is
      // laid out with the text, so the line stays within its length. The name is neutralised as
      // the text is: a name can hold anything the user typed
      return cuesOf(segments, subtitles, { label: (id) => srtText(`${nameOf(id)!}:`) })
        .map((c, i) => {
          const lines = c.lines.map(srtText)
          if (c.label) lines[0] = `${c.label} ${lines[0]}`
          return `${i + 1}\n${timestamp(c.start, ',')} --> ${timestamp(c.end, ',')}\n${lines.join('\n')}\n`
        })
        .join('\n')
    case 'vtt':
      // a voice span names the speaker; players do not show it as text, so it takes no room
      return `WEBVTT\n\n${cuesOf(segments, subtitles)
        .map((c) => {
          const lines = c.lines.map(vttText)
          if (c.speaker) lines[0] = `<v ${vttName(nameOf(c.speaker)!)}>${lines[0]}`
          return `${timestamp(c.start, '.')} --> ${timestamp(c.end, '.')}\n${lines.join('\n')}\n`
        })
        .join('\n')}`
    case 'md':
      return markdown(segments, meta.fileName ?? null, nameOf, doc)
    case 'csv':
      // a byte-order mark, so spreadsheet programs read the UTF-8 (ç, ş, İ) as UTF-8
      return `\uFEFF${[
        ['start', 'end', 'speaker', 'text'],
        ...segments
          .filter((s) => s.text.trim())
          .map((s) => [timestamp(s.start, '.'), timestamp(s.end, '.'), nameOf(s.speaker) ?? '', s.text.trim()]),
      ]
        .map((row) => row.map(csvField).join(','))
        .join('\r\n')}\r\n`
    case 'json':
      return `${JSON.stringify(
        {
          file: meta.fileName ?? null,
          language: meta.language ?? null,
          ...(meta.speakers ? { speakers: meta.speakers } : {}),
          segments: segments.map(({ start, end, text, words, speaker }) => ({
            start,
            end,
            ...(speaker ? { speaker: nameOf(speaker), speakerId: speaker } : {}),
            text: text.trim(),
            ...(words ? { words } : {}),
          })),
        },
        null,
        2,
      )}\n`
  }
}

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled. */
const csvField = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)

/**
 * Markdown text that shows as it reads: the characters Markdown gives a meaning (emphasis, links,
 * code, headings, HTML) escaped, a line break inside a segment as a space.
 */
function mdText(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_{}[\]#|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^([-+]|\d+)([.)]?)(?=\s|$)/, (_, a: string, b: string) => (b ? `${a}\\${b}` : `\\${a}`))
}

/** A document's paragraphs: one per speaker's turn (or per segment without names), with when it starts. */
function documentParagraphs(
  segments: Segment[],
  doc: Partial<DocumentOptions>,
): { withNames: boolean; withTimes: boolean; paragraphs: { start: number; speaker: string | undefined; text: string }[] } {
  const withNames = doc.speakers !== false && segments.some((s) => s.speaker)
  const withTimes = doc.timestamps !== false
  const paragraphs: { start: number; speaker: string | undefined; texts: string[] }[] = []
  for (const s of segments) {
    const text = s.text.trim()
    if (!text) continue
    const last = paragraphs.at(-1)
    if (withNames && last && last.speaker === s.speaker) last.texts.push(text)
    else paragraphs.push({ start: s.start, speaker: s.speaker, texts: [text] })
  }
  return {
    withNames,
    withTimes,
    paragraphs: paragraphs.map((p) => ({ start: p.start, speaker: p.speaker, text: oneLine(p.texts.join(' ')) })),
  }
}

/** A heading with the file's name, then a paragraph per speaker's turn (or per segment), names and times as asked. */
function markdown(
  segments: Segment[],
  fileName: string | null,
  nameOf: (id: string | null | undefined) => string | null,
  doc: Partial<DocumentOptions>,
): string {
  const { withNames, withTimes, paragraphs } = documentParagraphs(segments, doc)
  const body = paragraphs.map((p) => {
    const time = withTimes ? `\\[${clockTime(p.start, true)}\\] ` : ''
    const name = withNames && p.speaker ? `**${mdText(nameOf(p.speaker)!)}:** ` : ''
    return `${time}${name}${mdText(p.text)}`
  })
  return `${[...(fileName ? [`# ${mdText(fileName)}`] : []), ...body].join('\n\n')}\n`
}

/** Characters XML 1.0 cannot hold at all (control characters but tab and line breaks): Word refuses a document with one. */
const xmlSafe = (s: string) =>
  [...s]
    .filter((c) => {
      const code = c.charCodeAt(0)
      return (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) && code !== 0xfffe && code !== 0xffff
    })
    .join('')

/**
 * A Word document (the `docx` library writes the OOXML): the file's name as a heading, then a
 * paragraph per turn — the time, the speaker's name as a bold label, the text — as asked.
 */
async function docx(segments: Segment[], meta: ExportMeta, doc: Partial<DocumentOptions>): Promise<Buffer> {
  const names = meta.speakers ?? {}
  const { withNames, withTimes, paragraphs } = documentParagraphs(segments, doc)
  const body = paragraphs.map(
    (p) =>
      new Paragraph({
        children: [
          ...(withTimes ? [new TextRun({ text: `[${clockTime(p.start, true)}] `, color: '666666' })] : []),
          ...(withNames && p.speaker
            ? [new TextRun({ text: `${xmlSafe(speakerName(names, p.speaker))}:`, bold: true }), new TextRun(' ')]
            : []),
          new TextRun(xmlSafe(p.text)),
        ],
      }),
  )
  const heading = meta.fileName ? [new Paragraph({ text: xmlSafe(meta.fileName), heading: HeadingLevel.HEADING_1 })] : []
  const document = new Document({
    creator: 'MP4toText',
    title: xmlSafe(meta.fileName ?? 'Transcript'),
    sections: [{ children: [...heading, ...body] }],
  })
  return Packer.toBuffer(document)
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()

/**
 * A voice tag's name cannot hold ">" (it ends the tag); and readers differ on character
 * references there (ffmpeg shows "&amp;" and "&lt;b" in the cue's text), so "<", ">" and "&" are
 * shown as their look-alikes "‹", "›" and "＆".
 */
const vttName = (name: string) => name.replace(/</g, '‹').replace(/>/g, '›').replace(/&/g, '＆')

/** "ders.mp4" → "ders.srt": the one rule for an export's file name (exportSuffix). */
export const exportFileName = (base: string, f: ExportFormat) => `${base}${exportSuffix[f]}`

/** Characters no file system accepts in a name (and control characters) become "_". */
export function safeChars(name: string): string {
  return [...name].map((c) => (c.charCodeAt(0) < 32 || '<>:"/\\|?*'.includes(c) ? '_' : c)).join('')
}

/** A file name safe on Windows, macOS and Linux, from a media file's name. */
export function sanitizeFileName(name: string): string {
  const base = path.basename(name).replace(/\.[^.]+$/, '')
  const clean = safeChars(base.normalize('NFC'))
    .replace(/[. ]+$/, '')
    .trim()
  const reserved = /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(clean)
  return (reserved ? `_${clean}` : clean).slice(0, 180) || 'transcript'
}
