// A data folder of the release before enhancements left db.json (tests/fixtures/data-v8, made
// with that release's own code by scripts/make-data-v8-fixture.ts) opens in this one: its
// enhancement index and the owner of its running run move to library.db without losing a byte,
// db.json is written without them (the old file kept first), and the run whose process is gone
// is recovered as every start does: its credits refunded, the run marked failed.
import { cpSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { call } from '../../src/cli/cli-call'
import { openCore, type Core } from '../../src/core/app-core'
import type { Db } from '../../src/core/store/db-schema'
import type { EnhancementRecord } from '../../src/shared/enhance-types'
import { readLibrary } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const fixture = path.resolve(import.meta.dirname, '../fixtures/data-v8')
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
})
