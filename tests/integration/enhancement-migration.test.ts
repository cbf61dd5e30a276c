// A data folder of the release before enhancements left db.json (tests/fixtures/data-v8, made
// with that release's own code by scripts/make-data-v8-fixture.ts) opens in this one: its
// enhancement index and the owner of its running run move to library.db without losing a byte,
// db.json is written without them (the old file kept first), and the run whose process is gone
// is recovered as every start does: its credits refunded, the run marked failed.
import { spawn } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { call } from '../../src/cli/cli-call'
import { openCore, type Core } from '../../src/core/app-core'
import type { Db } from '../../src/core/store/db-schema'
import type { EnhancementRecord } from '../../src/shared/enhance-types'
import { LibraryDb } from '../../src/core/store/library-db'
import { readLibrary, readTexts } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const fixture = path.resolve(import.meta.dirname, '../fixtures/data-v8')
const root = path.resolve(import.meta.dirname, '../..')
const cores: Core[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

type V8 = Omit<Db, 'schemaVersion'> & { schemaVersion: number; enhancements: EnhancementRecord[] }

function previousRelease(): { dir: string; text: string; v8: V8 } {
  const dir = tempDir()
  cpSync(fixture, dir, { recursive: true })
  const text = readFileSync(path.join(dir, 'db.json'), 'utf8')
  return { dir, text, v8: JSON.parse(text) as V8 }
}

const open = async (dir: string) => {
  const core = await openCore({ dataDir: dir, shell: 'cli', version: 'test', systemLocale: 'tr-TR', env: {} })
  cores.push(core)
  return core
}

describe('a data folder whose db.json still holds the enhancements', { timeout: 60_000 }, () => {
  it('moves every enhancement record and its owner to library.db, byte for byte, and keeps the old db.json', async () => {
    const { dir, text, v8 } = previousRelease()
    expect(v8.schemaVersion).toBe(8)
    expect(v8.enhancements.map((e) => e.status)).toEqual(['done', 'failed', 'running'])
    const running = v8.enhancements[2]!
    expect(Object.keys(v8.owners)).toEqual([`enhancement:${running.id}`])
    expect(v8.credits.reservations.map((r) => r.status)).toEqual(['committed', 'refunded', 'pending'])

    const core = await open(dir)

    // db.json keeps the rest exactly, without the records that moved
    const now = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as Record<string, unknown> & Db
    expect(now.schemaVersion).toBe(9)
    expect(now).not.toHaveProperty('enhancements')
    expect(now.owners).toEqual({})
    for (const key of ['settings', 'savedPrompts', 'speedStats', 'unavailableModels', 'customModels', 'hardware'] as const)
      expect(now[key], key).toEqual(v8[key])
    // the run whose process is gone was refunded by the start-up recovery; every earlier line stays
    expect(now.credits.ledger.slice(0, v8.credits.ledger.length)).toEqual(v8.credits.ledger)
    expect(now.credits.ledger.slice(v8.credits.ledger.length)).toMatchObject([
      { type: 'refund', amount: running.credits, ref: running.id },
    ])
    expect(now.credits.reservations.map((r) => r.status)).toEqual(['committed', 'refunded', 'refunded'])
    expect(readFileSync(path.join(dir, 'db.json.before-enhancements'), 'utf8')).toBe(text)

    // library.db holds the records as they were, the one whose process is gone marked failed
    const lib = readLibrary(dir)
    const recovered = (e: EnhancementRecord): EnhancementRecord =>
      e.id === running.id ? { ...e, status: 'failed', error: 'Interrupted: the app stopped before it finished' } : e
    expect(lib.enhancements.map((e) => JSON.stringify(e))).toEqual(v8.enhancements.map((e) => JSON.stringify(recovered(e))))
    // its owner moved with it and was dropped by that recovery
    expect(lib.owners).toEqual({})

    // what reads them still works: the history, newest first, and a run's texts
    const history = await call(core, 'enhance.history', {})
    expect(history.map((e) => e.id)).toEqual(v8.enhancements.map((e) => e.id).reverse())
    const done = v8.enhancements[0]!
    expect(await call(core, 'enhance.output', { id: done.id })).toMatchObject({ output: done.preview, partial: false })
    await core.close()
    cores.splice(0)

    // a second start changes nothing, and the kept copy stays the previous release's
    await open(dir)
    expect(readLibrary(dir)).toEqual(lib)
    expect(readFileSync(path.join(dir, 'db.json.before-enhancements'), 'utf8')).toBe(text)
  })

  it('imports every run’s texts file into library.db once, keeps the files as they were, and sweeps dead writers’ temp copies', async () => {
    const { dir } = previousRelease()
    const folder = path.join(dir, 'enhancements')
    const files = Object.fromEntries(readdirSync(folder).map((n) => [n, readFileSync(path.join(folder, n), 'utf8')]))
    expect(Object.keys(files)).toHaveLength(2)
    // more runs than one import batch holds, and what killed writers left
    for (let i = 0; i < 450; i++)
      writeFileSync(path.join(folder, `old-${i}.json`), JSON.stringify({ input: `in ${i}`, output: `out ${i}`, partial: false }))
    writeFileSync(path.join(folder, 'cut.json'), '{"input":"half')
    const deadTemp = 'old-1.json.tmp-999999999-1-abc'
    writeFileSync(path.join(folder, deadTemp), '{"input"')

    // two processes start on it at once: the CLI, twice
    const search = () =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [path.join(root, 'bin/mp4totext.mjs'), 'search', 'toplantı', '--json', '--data-dir', dir],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        )
        let err = ''
        child.stderr.on('data', (c: Buffer) => (err += c))
        child.on('close', (code) => resolve({ code, err }))
      })
    const runs = await Promise.all([search(), search()])
    for (const r of runs) expect(r.code, r.err).toBe(0)

    for (const [name, text] of Object.entries(files))
      expect(readTexts(dir, name.replace(/\.json$/, ''))).toEqual(JSON.parse(text) as unknown)
    for (const i of [0, 199, 200, 449])
      expect(readTexts(dir, `old-${i}`)).toEqual({ input: `in ${i}`, output: `out ${i}`, partial: false })
    // a file that cannot be read brings no text, as it gave none before
    expect(readTexts(dir, 'cut')).toBeUndefined()
    // the files stay, byte for byte: the previous release's copy
    for (const [name, text] of Object.entries(files)) expect(readFileSync(path.join(folder, name), 'utf8')).toBe(text)
    expect(existsSync(path.join(folder, deadTemp))).toBe(false)
    const lib = LibraryDb.open(dir)
    try {
      expect(lib.db.prepare('SELECT pending FROM enhancement_files_import').all()).toEqual([{ pending: 0 }])
    } finally {
      lib.close()
    }
    // done once: a file written afterwards (by no one this release) is not read again
    writeFileSync(path.join(folder, 'later.json'), JSON.stringify({ input: 'x', output: 'y', partial: false }))
    await open(dir)
    expect(readTexts(dir, 'later')).toBeUndefined()
  })

  it('while an earlier release’s process is still writing a texts file, the import is done again at the next start', async () => {
    const { dir } = previousRelease()
    const folder = path.join(dir, 'enhancements')
    // the test runner's process stands for that live writer: its temp copy stays, and so does the import
    const liveTemp = `late.json.tmp-${process.ppid}-1-abc`
    writeFileSync(path.join(folder, liveTemp), '{"input"')
    const core = await open(dir)
    expect(existsSync(path.join(folder, liveTemp))).toBe(true)
    expect(readTexts(dir, 'late')).toBeUndefined()
    await core.close()
    cores.splice(0)
    // its write lands (its temp copy renamed into place); the next start reads it
    writeFileSync(path.join(folder, liveTemp), JSON.stringify({ input: 'a', output: 'b', partial: false }))
    renameSync(path.join(folder, liveTemp), path.join(folder, 'late.json'))
    await open(dir)
    expect(readTexts(dir, 'late')).toEqual({ input: 'a', output: 'b', partial: false })
  })

  it('a temp copy left long ago under a pid that now belongs to another process does not keep the import pending', async () => {
    const { dir } = previousRelease()
    const folder = path.join(dir, 'enhancements')
    // after a reboot the pid in its name is some live process; nothing has written it for an hour
    const stale = path.join(folder, `old.json.tmp-${process.ppid}-1-abc`)
    writeFileSync(stale, '{"input"')
    const hourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(stale, hourAgo, hourAgo)
    await open(dir)
    const lib = LibraryDb.open(dir)
    try {
      expect(lib.db.prepare('SELECT pending FROM enhancement_files_import').all()).toEqual([{ pending: 0 }])
    } finally {
      lib.close()
    }
  })
})
