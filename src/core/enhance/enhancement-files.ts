import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { EnhancementTexts, LibraryDb } from '../store/library-db'
import { liveWritersTemps, removeDeadWritersTempsIn } from '../store/safe-json-file'

/** Where the releases before library.db schema 5 kept a run's texts: `enhancements/<id>.json`. */
export function enhancementTextPath(dataDir: string, id: string): string {
  return path.join(enhancementsDir(dataDir), `${id}.json`)
}

const enhancementsDir = (dataDir: string) => path.join(dataDir, 'enhancements')

/** Files read per transaction: a big history is imported without one long write lock. */
const IMPORT_BATCH = 200

/**
 * Bring the texts an earlier release kept in `enhancements/<id>.json` into library.db, once:
 * run at start-up before recovery (which decides "paid and delivered" by a run's text row). A row
 * already there is kept (INSERT OR IGNORE), so two processes starting at once, or a start killed
 * half-way (the flag stays pending and the next start goes on), import each file once in effect.
 *
 * The files are left as they are: they are the previous release's copy, which that release
 * still reads if the user goes back. Temp copies of writers that are gone are removed; while a
 * writer still runs (an earlier release's process, writing a file right now) the import stays
 * pending, so the next start also reads the file it is writing.
 */
export async function importEnhancementFiles(library: LibraryDb, dataDir: string): Promise<number> {
  const pending = library.db.prepare('SELECT pending FROM enhancement_files_import').get() as { pending: number } | undefined
  if (!pending || pending.pending === 0) return 0
  const dir = enhancementsDir(dataDir)
  const names = await fs.readdir(dir).catch(() => [] as string[])
  const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length))
  let imported = 0
  for (let i = 0; i < ids.length; i += IMPORT_BATCH) {
    const batch: [string, EnhancementTexts][] = []
    for (const id of ids.slice(i, i + IMPORT_BATCH)) {
      const texts = await readTexts(enhancementTextPath(dataDir, id))
      // a run whose file cannot be read keeps no text, as it had none readable before
      if (texts) batch.push([id, texts])
    }
    library.transaction(() => {
      for (const [id, texts] of batch) library.enhancementTexts.add(id, texts)
    })
    imported += batch.length
  }
  await removeDeadWritersTempsIn(dir)
  if ((await liveWritersTemps(dir)) === 0)
    library.transaction(() => library.db.exec('UPDATE enhancement_files_import SET pending = 0'))
  return imported
}

async function readTexts(file: string): Promise<EnhancementTexts | null> {
  try {
    const t = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<EnhancementTexts>
    if (typeof t.input !== 'string' || typeof t.output !== 'string' || typeof t.partial !== 'boolean') return null
    return { input: t.input, output: t.output, partial: t.partial }
  } catch {
    return null
  }
}
