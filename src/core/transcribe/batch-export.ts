import type { DocumentOptions, ExportFormat, SubtitleRules } from '../../shared/transcribe-types'
import type { TranscriptStore } from './transcript-store'
import { exportBytes } from './exports'
import { zipFiles } from './zip-file'

/**
 * Several transcripts in one format, as one zip: each file named as its own export would be,
 * "name (2).srt" where two transcripts share a name. A transcript that is gone fails the whole
 * call (nothing half-made is handed out).
 */
export async function exportMany(
  transcripts: TranscriptStore,
  ids: readonly string[],
  format: ExportFormat,
  subtitles?: Partial<SubtitleRules>,
  document?: Partial<DocumentOptions>,
): Promise<{ fileName: string; base64: string }> {
  const taken = new Set<string>()
  const entries: { name: string; data: Buffer }[] = []
  for (const id of new Set(ids)) {
    const out = await transcripts.exportText(id, format, subtitles, document)
    entries.push({ name: freeName(out.fileName, taken), data: exportBytes(out) })
  }
  return { fileName: `transcripts-${format}.zip`, base64: zipFiles(entries).toString('base64') }
}

/** "a.srt", else "a (2).srt", … (case-insensitively, as Windows and macOS compare names) */
function freeName(name: string, taken: Set<string>): string {
  const dot = name.indexOf('.')
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${base} (${n})${ext}`
    if (!taken.has(candidate.toLowerCase())) {
      taken.add(candidate.toLowerCase())
      return candidate
    }
  }
}
