import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { LibraryDb, type SegmentsRow } from '../../src/core/store/library-db'

/** What a data folder's library.db holds now, read as another process would (its own connection). */
export function readLibrary(dataDir: string) {
  const lib = LibraryDb.open(dataDir)
  try {
    return {
      jobs: lib.jobs.all(),
      transcripts: lib.transcripts.all(),
      watchedFiles: lib.watchedFiles.all(),
      enhancements: lib.enhancements.all(),
      owners: lib.owners.all(),
    }
  } finally {
    lib.close()
  }
}

/** Each transcript's segments as library.db holds them, read as another process would. */
export function readSegments(dataDir: string): Map<string, SegmentsRow | undefined> {
  const lib = LibraryDb.open(dataDir)
  try {
    return new Map(lib.transcripts.all().map((t) => [t.id, lib.segments.get(t.id)]))
  } finally {
    lib.close()
  }
}

/** One enhancement run's texts as library.db holds them (undefined: none saved). */
export function readTexts(dataDir: string, id: string) {
  const lib = LibraryDb.open(dataDir)
  try {
    return lib.enhancementTexts.get(id)
  } finally {
    lib.close()
  }
}

/**
 * Turn a data folder back into what the release before library.db left: db.json at schema 7
 * holding the jobs, transcript index, watched files and enhancements, each transcript's segments
 * in `transcripts/<id>.json`, and no library.db at all.
 */
export function asPreviousRelease(dataDir: string): void {
  const rows = readLibrary(dataDir)
  mkdirSync(path.join(dataDir, 'transcripts'), { recursive: true })
  for (const [id, row] of readSegments(dataDir))
    if (row) writeFileSync(path.join(dataDir, 'transcripts', `${id}.json`), JSON.stringify(row))
  const file = path.join(dataDir, 'db.json')
  const db = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  const { owners, ...rest } = rows
  writeFileSync(
    file,
    JSON.stringify({ ...db, ...rest, schemaVersion: 7, owners: { ...(db.owners as Record<string, unknown>), ...owners } }),
  )
  for (const f of readdirSync(dataDir)) if (f.startsWith('library.db')) rmSync(path.join(dataDir, f))
}
