import path from 'node:path'
import { transcriptText, type ExportFormat, type Segment, type SubtitleRules } from '../../shared/transcribe-types'
import { shapeCues } from '../../shared/subtitle-cues'

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** 62.345 → "00:01:02,345" (SRT) or "00:01:02.345" (VTT) */
export function timestamp(sec: number, sep: ',' | '.'): string {
  const ms = Math.round(sec * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`
}

/** "[01:02]" style for plain text with timestamps */
function shortStamp(sec: number): string {
  const t = Math.floor(sec)
  const h = Math.floor(t / 3600)
  return h > 0 ? `[${h}:${pad(Math.floor((t % 3600) / 60))}:${pad(t % 60)}]` : `[${pad(Math.floor(t / 60))}:${pad(t % 60)}]`
}

/** SRT/VTT cues shaped to the rules (broadcast norms unless told otherwise). */
function cuesOf(segments: Segment[], rules: Partial<SubtitleRules>) {
  return shapeCues(segments, rules)
}

export function render(
  segments: Segment[],
  format: ExportFormat,
  meta: { fileName?: string; language?: string; speakers?: Record<string, string> } = {},
  subtitles: Partial<SubtitleRules> = {},
): string {
  const names = meta.speakers ?? {}
  const nameOf = (id: string | null | undefined) => (id ? (names[id] ?? id) : null)
  switch (format) {
    case 'txt':
      return `${transcriptText(segments, names)}\n`
    case 'txt-timestamps':
      return `${segments.map((s) => `${shortStamp(s.start)} ${s.speaker ? `${nameOf(s.speaker)}: ` : ''}${s.text.trim()}`).join('\n')}\n`
    case 'srt': {
      // the name opens a cue where the speaker changes (cues never span two speakers)
      let last: string | null = null
      return cuesOf(segments, subtitles)
        .map((c, i) => {
          const lines = [...c.lines]
          if (c.speaker && c.speaker !== last) lines[0] = `${nameOf(c.speaker)}: ${lines[0]}`
          last = c.speaker
          return `${i + 1}\n${timestamp(c.start, ',')} --> ${timestamp(c.end, ',')}\n${lines.join('\n')}\n`
        })
        .join('\n')
    }
    case 'vtt':
      return `WEBVTT\n\n${cuesOf(segments, subtitles)
        .map((c) => {
          const lines = c.speaker ? [`<v ${vttName(nameOf(c.speaker)!)}>${c.lines[0]}`, ...c.lines.slice(1)] : c.lines
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

/** A voice tag's name cannot hold ">" or a line break (WebVTT); "&" and "<" are escaped. */
function vttName(name: string): string {
  return name
    .replace(/[\r\n>]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .trim()
}

export const extensionOf = (f: ExportFormat) => (f === 'txt-timestamps' ? 'txt' : f)

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
