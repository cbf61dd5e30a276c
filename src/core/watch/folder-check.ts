import { promises as fs } from 'node:fs'
import path from 'node:path'
import { keyedError } from '../../shared/errors'

const inside = (child: string, parent: string) => {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * Check a folder a user wants watched (or a folder run): absolute paths only (a relative one
 * would depend on where the process started), an existing folder, and nothing in the app's own
 * data folder — its uploads are media, and writing outputs there would mix with the app's files.
 * The out folder is created if its parent exists; nothing is written above it.
 */
export async function checkFolders(dir: string, outDir: string | null, dataDir: string, recursive: boolean): Promise<void> {
  for (const [folder, p] of [
    ['watch', dir],
    ['output', outDir],
  ] as const) {
    if (p === null) continue
    const what = `${folder} folder`
    if (!path.isAbsolute(p))
      throw keyedError('invalid-input', 'folder-not-absolute', { folder, path: p }, `The ${what} must be a full path, not "${p}"`)
    if (inside(path.resolve(p), path.resolve(dataDir)))
      throw keyedError(
        'invalid-input',
        'folder-in-data',
        { folder, dataDir },
        `The ${what} cannot be the app's data folder or inside it (${dataDir})`,
      )
  }
  const s = await fs.stat(dir).catch(() => null)
  if (!s?.isDirectory()) throw keyedError('invalid-input', 'folder-missing', { path: dir }, `${dir} is not a folder that exists`)
  if (recursive && inside(path.resolve(dataDir), path.resolve(dir)))
    throw keyedError(
      'invalid-input',
      'folder-holds-data',
      { path: dir, dataDir },
      `The app's data folder (${dataDir}) is inside ${dir}; watch a folder that does not hold it`,
    )
  if (outDir) {
    const parent = await fs.stat(path.dirname(outDir)).catch(() => null)
    if (!parent?.isDirectory())
      throw keyedError(
        'invalid-input',
        'folder-parent-missing',
        { path: path.dirname(outDir) },
        `The output folder's parent ${path.dirname(outDir)} does not exist`,
      )
    await fs.mkdir(outDir, { recursive: false }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST')
        throw keyedError('invalid-input', 'folder-create-failed', { path: outDir }, `Could not create ${outDir}: ${err.message}`)
    })
    if (!(await fs.stat(outDir)).isDirectory())
      throw keyedError('invalid-input', 'folder-is-file', { path: outDir }, `${outDir} is a file, not a folder`)
  }
}
