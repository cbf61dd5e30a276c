// Opening the core must not read whole tables: at 50,000 past files each full read costs a
// second and hundreds of MB (npm run bench:history). Start-up asks SQLite for what it needs.
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { Records } from '../../src/core/store/library-db'
import { useTempDirs } from '../helpers/temp-dir'
import { newTranscriptMeta } from '../helpers/transcript-meta'

const tempDir = useTempDirs()
const segments = [{ id: 0, start: 0, end: 2, text: 'merhaba İstanbul' }]
const meta = (i: number, mediaPath: string) => newTranscriptMeta(`toplantı.${i}.mp4`, { mediaPath })
const open = (dir: string) => openCore({ dataDir: dir, shell: 'cli', version: 't', systemLocale: 'tr' })

describe('opening the core on a library', () => {
  afterEach(() => vi.restoreAllMocks())

  it('reads no whole table, and still indexes what the index lacks and drops what was deleted', async () => {
    const dir = tempDir()
    let core: Core = await open(dir)
    const kept = await core.transcripts.save(meta(1, '/media/a.mp4'), segments)
    const gone = await core.transcripts.save(meta(2, '/media/b.mp4'), segments)
    await core.close()
    // the index loses one transcript (a process that could not index) and keeps one that is gone
    const { DatabaseSync } = await import('node:sqlite')
    const db = new DatabaseSync(path.join(dir, 'library.db'))
    db.prepare('DELETE FROM indexed WHERE transcript_id = ?').run(kept.id)
    db.prepare('DELETE FROM transcripts WHERE id = ?').run(gone.id)
    db.prepare('DELETE FROM transcript_segments WHERE id = ?').run(gone.id)
    db.close()

    const all = vi.spyOn(Records.prototype, 'all')
    core = await open(dir)
    try {
      const hits = await core.transcripts.search('istanbul')
      expect(all).not.toHaveBeenCalled()
      expect(hits.map((h) => h.transcriptId)).toEqual([kept.id])
    } finally {
      await core.close()
    }
    const after = new DatabaseSync(path.join(dir, 'library.db'))
    const indexed = after
      .prepare('SELECT transcript_id AS id FROM indexed')
      .all()
      .map((r) => r.id)
    after.close()
    expect(indexed).toEqual([kept.id])
  })
})
