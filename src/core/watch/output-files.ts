import { existsSync, promises as fs } from 'node:fs'
import path from 'node:path'
import { exportSuffix, type ExportFormat } from '../../shared/transcribe-types'
import { AppError } from '../../shared/errors'

/** What the umask is applied to for a file in the user's own folders: 0644 under umask 022. */
const USER_FILE_MODE = 0o666

/**
 * The folder one media file's outputs go to: beside it, or under `outDir` at the same place
 * relative to the watched root (subfolders mirrored). Never outside `outDir`.
 */
export function outputDirFor(file: string, rootDir: string, outDir: string | null): string {
  if (!outDir) return path.dirname(file)
  const rel = path.relative(path.resolve(rootDir), path.dirname(path.resolve(file)))
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new AppError('invalid-input', `${file} is not inside the watched folder ${rootDir}`)
  return path.join(outDir, rel)
}

/**
 * Free output paths for one media file, one per format: "name.srt", else "name (2).srt", … A
 * user's existing file is never chosen; nor is a name in `taken` (chosen for another file of
 * the same run and not written yet). Only the last extension is the media's ("a.b.mp4" → "a.b").
 */
export function planOutputs(
  file: string,
  dir: string,
  formats: readonly ExportFormat[],
  taken: ReadonlySet<string> = new Set(),
  exists: (p: string) => boolean = existsSync,
): string[] {
  const base = path.basename(file).replace(/\.[^.]*$/, '') || path.basename(file)
  const chosen: string[] = []
  for (const f of formats) {
    const suffix = exportSuffix[f]
    for (let n = 1; ; n++) {
      const p = path.join(dir, `${base}${n === 1 ? '' : ` (${n})`}${suffix}`)
      if (exists(p) || taken.has(p) || chosen.includes(p) || exists(tempPathOf(p))) continue
      chosen.push(p)
      break
    }
  }
  return chosen
}

/** Hidden (so no watcher takes it for media) and beside the target (so the rename is atomic). */
export function tempPathOf(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.mp4totext-tmp`)
}

/**
 * Write the whole file or nothing: a temp file renamed into place; a failed write leaves no half
 * file. For files written where the user asked (watch folder outputs, the CLI's --out): they get
 * the user's umask like any file the user makes there, so a media server running as another user
 * can read the subtitles. Files in the data folder stay private (store/safe-json-file.ts).
 */
export async function writeWhole(target: string, content: string | Uint8Array): Promise<void> {
  const tmp = tempPathOf(target)
  try {
    await fs.writeFile(tmp, content, { mode: USER_FILE_MODE })
    await fs.rename(tmp, target)
  } catch (err) {
    await fs.rm(tmp, { force: true })
    throw err
  }
}
