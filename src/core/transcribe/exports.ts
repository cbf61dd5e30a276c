import path from 'node:path'
import { exportSuffix, transcriptText, type ExportFormat, type Segment, type SubtitleRules } from '../../shared/transcribe-types'
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
 * before "\" as "｛": every word stays on screen.
 */
export const srtText = (text: string) => text.replace(/<(?=[\p{L}\p{N}/!?])/gu, '‹').replace(/\{(?=\\)/g, '｛')

export function render(
  segments: Segment[],
  format: ExportFormat,
  meta: { fileName?: string; language?: string; speakers?: Record<string, string>; frameRate?: number | null } = {},
  rules: Partial<SubtitleRules> = {},
): string {
  // cues are timed to the video's own frames unless another rate is chosen
  const subtitles = { ...rules, frameRate: rules.frameRate ?? meta.frameRate ?? undefined }
  const names = meta.speakers ?? {}
  const nameOf = (id: string | null | undefined) => (id ? (names[id] ?? id) : null)
  switch (format) {
    case 'txt':
      return `${transcriptText(segments, names)}\n`
    case 'txt-timestamps':
      return `${segments.map((s) => `${shortStamp(s.start)} ${s.speaker ? `${nameOf(s.speaker)}: ` : ''}${s.text.trim()}`).join('\n')}\n`
    case 'srt':
      // the name opens a cue where the speaker changes (cues never span two speakers); it is
      // laid out with the text, so the line stays within its length
      return cuesOf(segments, subtitles, { label: (id) => `${oneLine(nameOf(id)!)}:` })
        .map((c, i) => {
          const lines = c.label ? [`${c.label} ${c.lines[0]}`, ...c.lines.slice(1)] : c.lines
          return `${i + 1}\n${timestamp(c.start, ',')} --> ${timestamp(c.end, ',')}\n${lines.map(srtText).join('\n')}\n`
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

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()

/** A voice tag's name is one line, escaped as cue text is. */
const vttName = (name: string) => vttText(oneLine(name))

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
