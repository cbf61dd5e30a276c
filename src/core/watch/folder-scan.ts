import type { Dirent } from 'node:fs'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { isMediaName } from './media-filter'

export type SkipReason = 'not-media' | 'unreadable' | 'symlinked-folder'

export interface FolderScan {
  /** media files, sorted by path */
  media: string[]
  /** everything else that was looked at and not taken, with why */
  skipped: { path: string; reason: SkipReason }[]
}

/**
 * The media files in `dir` (and its subfolders with `recursive`). Symlinked folders are not
 * entered (a link to a parent would loop, and the watcher does not follow them either);
 * a subfolder that cannot be read is reported, not fatal. The folder itself must be readable.
 */
export async function scanFolder(dir: string, opts: { recursive: boolean }): Promise<FolderScan> {
  const out: FolderScan = { media: [], skipped: [] }
  const seen = new Set<string>()
  const walk = async (d: string, top: boolean): Promise<void> => {
    // a bind mount or a hard-linked tree can bring a folder back: each real folder once
    const real = await fs.realpath(d).catch(() => d)
    if (seen.has(real)) return
    seen.add(real)
    let entries: Dirent[]
    try {
      entries = await fs.readdir(d, { withFileTypes: true })
    } catch (err) {
      if (top) throw err
      out.skipped.push({ path: d, reason: 'unreadable' })
      return
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) {
        if (opts.recursive) await walk(p, false)
        continue
      }
      if (e.isSymbolicLink()) {
        const target = await fs.stat(p).catch(() => null)
        if (target?.isDirectory()) {
          if (opts.recursive) out.skipped.push({ path: p, reason: 'symlinked-folder' })
          continue
        }
        if (!target) {
          out.skipped.push({ path: p, reason: 'unreadable' })
          continue
        }
      } else if (!e.isFile()) continue
      if (isMediaName(p)) out.media.push(p)
      else out.skipped.push({ path: p, reason: 'not-media' })
    }
  }
  await walk(path.resolve(dir), true)
  return out
}
