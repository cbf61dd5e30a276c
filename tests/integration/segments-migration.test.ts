// A data folder of the release before transcript segments moved to library.db
// (tests/fixtures/data-v9, made with that release's own code by scripts/make-data-v9-fixture.ts)
// opens in this one: every transcript's segments and words come back exactly as its
// transcripts/<id>.json held them, search finds them, and the old files stay as they were, the
// previous release's copy. The import is taken once however processes start, stop or die.
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { call } from '../../src/cli/cli-call'
import { LibraryDb } from '../../src/core/store/library-db'
import type { Segment } from '../../src/shared/transcribe-types'
import { readLibrary } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'
import { newTranscriptMeta } from '../helpers/transcript-meta'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const fixture = path.resolve(import.meta.dirname, '../fixtures/data-v9')
const cores: Core[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

async function open(dataDir: string): Promise<Core> {
  const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'tr-TR', env: {} })
  cores.push(core)
  return core
}

async function closeAll(): Promise<void> {
  for (const c of cores.splice(0)) await c.close()
}

interface OldFile {
  revision?: number
  segments: Segment[]
}

/** The fixture copied, and each transcript's old file as bytes and as the segments it holds. */
function previousRelease(): { dir: string; files: Map<string, Buffer> } {
  const dir = tempDir()
  cpSync(fixture, dir, { recursive: true })
  return { dir, files: oldFiles(dir) }
}

function oldFiles(dir: string): Map<string, Buffer> {
  const folder = path.join(dir, 'transcripts')
  return new Map(readdirSync(folder).map((f) => [f.replace(/\.json$/, ''), readFileSync(path.join(folder, f))]))
}

const parse = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as OldFile

describe('segments of a data folder of the previous release', { timeout: 120_000 }, () => {
  it('come back exactly as their files held them, words included, found by search, the files untouched', async () => {
    const { dir, files } = previousRelease()
    const db = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as { schemaVersion: number }
    expect(db.schemaVersion).toBe(9)
    const entries = readLibraryRaw(dir, 'SELECT data FROM transcripts ORDER BY seq').map((r) => r.data)
    expect(files.size).toBe(entries.length)
    expect([...files.values()].some((b) => parse(b).segments.some((s) => s.words?.length))).toBe(true)

    const core = await open(dir)
    for (const [id, bytes] of files) {
      const old = parse(bytes)
      const { segments, meta } = await call(core, 'transcripts.get', { id })
      // byte for byte as the file wrote them: same keys, same order, same numbers
      expect(JSON.stringify(segments), id).toBe(JSON.stringify(old.segments))
      expect(segments).toEqual(old.segments)
      expect(meta.revision, id).toBe(old.revision ?? 0)
    }
    const ids = [...files.keys()]
    const find = async (query: string) => (await call(core, 'library.search', { query })).map((r) => r.transcript.id)
    const byName = (name: string) => readLibrary(dir).transcripts.find((t) => t.fileName === name)!.id
    expect(await find('ığdır')).toEqual([byName('Yönetim kurulu İstanbul.mp4')])
    expect(await find('saat 10’da')).toEqual([byName('Yönetim kurulu İstanbul.mp4')])
    expect(await find('cahit arf')).toEqual([byName('lecture 3 — naïve café.wav')])
    expect(await find('kadikoy')).toEqual([byName('Ders notu.mp3')])
    // the entries are as the previous release left them, and its files stay where they were, as they were
    expect(readLibraryRaw(dir, 'SELECT data FROM transcripts ORDER BY seq').map((r) => r.data)).toEqual(entries)
    expect(oldFiles(dir)).toEqual(files)
    const exported = await call(core, 'transcripts.export', { id: byName('lecture 3 — naïve café.wav'), format: 'txt' })
    expect(exported.content).toContain('😀')
    await closeAll()

    // a second start imports nothing again and changes nothing
    const rows = readSegmentRows(dir)
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort())
    for (const r of rows) expect(r.data).toBe(JSON.stringify(parse(files.get(r.id)!).segments))
    await open(dir)
    await closeAll()
    expect(readSegmentRows(dir)).toEqual(rows)
  })

  it('an edit after the import is kept in library.db; the old file is never read again, and goes with its transcript', async () => {
    const { dir, files } = previousRelease()
    let core = await open(dir)
    const id = readLibrary(dir).transcripts.find((t) => t.fileName === 'Ders notu.mp3')!.id
    const edited = await call(core, 'transcripts.updateSegment', { id, segmentId: 0, text: 'Kadıköy’de buluştuk.' })
    expect(edited.revision).toBe((parse(files.get(id)!).revision ?? 0) + 1)
    expect(oldFiles(dir).get(id)).toEqual(files.get(id))
    await closeAll()

    // the old file rewritten by hand (or by the previous release) is not taken over the newer row
    writeFileSync(path.join(dir, 'transcripts', `${id}.json`), JSON.stringify({ revision: 9, segments: [] }))
    core = await open(dir)
    const { segments, meta } = await call(core, 'transcripts.get', { id })
    expect(segments[0]!.text).toBe('Kadıköy’de buluştuk.')
    expect(meta.revision).toBe(edited.revision)

    await call(core, 'transcripts.delete', { id })
    expect(existsSync(path.join(dir, 'transcripts', `${id}.json`))).toBe(false)
    const others = [...files.keys()].filter((k) => k !== id)
    expect([...oldFiles(dir).keys()].sort()).toEqual(others.sort())
    expect(readSegmentRows(dir).map((r) => r.id)).not.toContain(id)
  })

  it('a file missing or unreadable does not stop the start: that transcript says its file is missing, and a file put back is taken', async () => {
    const { dir, files } = previousRelease()
    const [gone, broken] = [...files.keys()]
    rmSync(path.join(dir, 'transcripts', `${gone}.json`))
    writeFileSync(path.join(dir, 'transcripts', `${broken}.json`), '{"revision":1,"segm')
    const core = await open(dir)
    for (const id of [gone!, broken!])
      await expect(core.transcripts.get(id)).rejects.toMatchObject({
        code: 'not-found',
        detail: { key: 'transcript-file-missing', params: { folder: path.join(dir, 'transcripts') } },
      })
    for (const id of [...files.keys()].slice(2))
      expect((await call(core, 'transcripts.get', { id })).segments).toEqual(parse(files.get(id)!).segments)
    // the user puts the file back (from a backup): opening the transcript takes it
    writeFileSync(path.join(dir, 'transcripts', `${gone}.json`), files.get(gone!)!)
    expect((await call(core, 'transcripts.get', { id: gone! })).segments).toEqual(parse(files.get(gone!)!).segments)
    expect(readSegmentRows(dir).map((r) => r.id)).toContain(gone)
  })

  it('an import cut short (some rows taken, the rest not) is completed by the next start', async () => {
    const { dir, files } = previousRelease()
    await open(dir)
    await closeAll()
    const [first, ...rest] = [...files.keys()]
    // as a process killed after its first batch leaves it: only that batch's rows
    const raw = new DatabaseSync(path.join(dir, 'library.db'))
    raw.prepare('DELETE FROM transcript_segments WHERE id != ?').run(first!)
    raw.close()
    expect(readSegmentRows(dir).map((r) => r.id)).toEqual([first])
    const core = await open(dir)
    for (const id of [first!, ...rest])
      expect((await call(core, 'transcripts.get', { id })).segments).toEqual(parse(files.get(id)!).segments)
  })

  it('a library.db of the release before the records moved, damaged, is set aside and the segments are taken from their files again', async () => {
    // tests/fixtures/data-v7: library.db then held only the search index, the segments their files
    const dir = tempDir()
    cpSync(path.resolve(import.meta.dirname, '../fixtures/data-v7'), dir, { recursive: true })
    const files = oldFiles(dir)
    writeFileSync(path.join(dir, 'library.db'), 'not a database '.repeat(300))
    const core = await open(dir)
    expect(readdirSync(dir).some((f) => f.startsWith('library.db.corrupt-'))).toBe(true)
    for (const [id, bytes] of files)
      expect(JSON.stringify((await call(core, 'transcripts.get', { id })).segments)).toBe(JSON.stringify(parse(bytes).segments))
    expect((await call(core, 'library.search', { query: 'ığdır' })).length).toBe(1)
  })
})

describe('importing the old files across processes', { timeout: 180_000 }, () => {
  /** A library of the previous release's layout with `n` transcripts, each with its old file. */
  function manyOld(n: number): { dir: string; texts: Map<string, string> } {
    const dir = tempDir()
    const lib = LibraryDb.open(dir)
    mkdirSync(path.join(dir, 'transcripts'))
    const texts = new Map<string, string>()
    lib.transaction(() => {
      for (let i = 0; i < n; i++) {
        const id = `old-${i}`
        const segments: Segment[] = [
          {
            id: 0,
            start: 0,
            end: 1.25,
            text: `toplantı ${i} İstanbul`,
            words: [{ text: 'toplantı', start: 0, end: 0.5, probability: 0.93 }],
          },
        ]
        lib.transcripts.put({ ...newTranscriptMeta(`f-${i}.wav`), id, segmentCount: 1, preview: segments[0]!.text })
        const text = JSON.stringify({ revision: i % 3, segments })
        writeFileSync(path.join(dir, 'transcripts', `${id}.json`), text)
        texts.set(id, text)
      }
    })
    lib.close()
    return { dir, texts }
  }

  function child(dir: string) {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tests/helpers/open-child.ts'), dir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    p.stdout.on('data', (c: Buffer) => (out += c))
    p.stderr.on('data', (c: Buffer) => (out += c))
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
      p.on('close', (code, signal) => resolve({ code, signal, out })),
    )
    return { p, exited }
  }

  /** Every row there is as its file held it (revision and segments), none half written. */
  function expectRowsMatchFiles(dir: string, texts: Map<string, string>): void {
    for (const r of readSegmentRows(dir)) {
      const old = JSON.parse(texts.get(r.id)!) as OldFile
      expect(r.revision, r.id).toBe(old.revision)
      expect(r.data, r.id).toBe(JSON.stringify(old.segments))
    }
  }

  it('two processes starting at once import each file once, both starting fine', async () => {
    const { dir, texts } = manyOld(1_500)
    const [a, b] = [child(dir), child(dir)]
    for (const r of await Promise.all([a.exited, b.exited])) expect(r, r.out).toMatchObject({ code: 0 })
    expect(readSegmentRows(dir)).toHaveLength(texts.size)
    expectRowsMatchFiles(dir, texts)
  })

  it('a process killed in the middle of the import leaves whole rows only, and the next start takes the rest', async () => {
    const { dir, texts } = manyOld(3_000)
    const c = child(dir)
    // killed as soon as its first batch is in (wherever the import is then, each row is whole)
    await until('the first imported rows', () => readSegmentRows(dir).length > 0)
    c.p.kill('SIGKILL')
    expect((await c.exited).signal).toBe('SIGKILL')
    expectRowsMatchFiles(dir, texts)
    const core = await open(dir)
    expect((await call(core, 'library.search', { query: 'toplanti 2999' })).map((r) => r.transcript.id)).toEqual(['old-2999'])
    await closeAll()
    expect(readSegmentRows(dir)).toHaveLength(texts.size)
    expectRowsMatchFiles(dir, texts)
    // the data folder as it is now is what the CLI reads too
    const cli = spawnSync(
      process.execPath,
      [path.join(root, 'bin/mp4totext.mjs'), 'search', 'toplantı 2998', '--json', '--data-dir', dir],
      {
        encoding: 'utf8',
      },
    )
    expect(cli.status, cli.stderr).toBe(0)
    expect((JSON.parse(cli.stdout) as { transcript: { id: string } }[]).map((f) => f.transcript.id)).toEqual(['old-2998'])
  })
})

function readLibraryRaw(dir: string, sql: string): { data: string }[] {
  const db = new DatabaseSync(path.join(dir, 'library.db'), { readOnly: true })
  try {
    return db.prepare(sql).all() as { data: string }[]
  } finally {
    db.close()
  }
}

function readSegmentRows(dir: string): { id: string; revision: number; data: string }[] {
  if (!existsSync(path.join(dir, 'library.db'))) return []
  const db = new DatabaseSync(path.join(dir, 'library.db'), { readOnly: true })
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'transcript_segments'").get()
    if (!has) return []
    return (db.prepare('SELECT id, revision, data FROM transcript_segments ORDER BY id').all() as never[]).map(
      (r: { id: string; revision: number; data: string }) => ({ ...r }),
    )
  } finally {
    db.close()
  }
}
