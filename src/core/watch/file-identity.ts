import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'

export interface FileIdentity {
  /** from the real path (symlinks resolved), so two routes to one file are one file */
  key: string
  /** the path as it was seen in the folder (outputs go beside it, or mirror it) */
  path: string
  size: number
  mtimeMs: number
}

/**
 * Which file this is, for "never twice": its real path, size and modification time. A file
 * written again (new size or time) is new content and is taken again; the same bytes seen
 * through another watch folder, or after a restart, are not.
 */
export function identityKey(realPath: string, size: number, mtimeMs: number): string {
  return createHash('sha256')
    .update(`${realPath}\0${size}\0${Math.round(mtimeMs)}`)
    .digest('hex')
    .slice(0, 32)
}

export async function identityOf(file: string): Promise<FileIdentity> {
  const real = await fs.realpath(file)
  const s = await fs.stat(real)
  return { key: identityKey(real, s.size, s.mtimeMs), path: path.resolve(file), size: s.size, mtimeMs: Math.round(s.mtimeMs) }
}
