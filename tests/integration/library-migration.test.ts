// A data folder of the release before library.db (tests/fixtures/data-v7, made with that
// release's own code by scripts/make-data-v7-fixture.ts) opens in this one: its jobs, transcript
// index, watched files and their owners move to library.db without losing a byte, db.json is
// written without them (the old file kept first), and everything that reads them still works.
import { spawnSync } from 'node:child_process'
import { cpSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { call } from '../../src/cli/cli-call'
import { defaultSettings } from '../../src/shared/settings-types'
import type { Job } from '../../src/shared/transcribe-types'
import { readLibrary } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const fixture = path.resolve(import.meta.dirname, '../fixtures/data-v7')
const cores: Core[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

type V7 = Record<string, unknown> & {
  schemaVersion: number
  jobs: Job[]
  transcripts: { id: string }[]
  watchedFiles: unknown[]
  enhancements: unknown[]
  owners: Record<string, unknown>
  credits: unknown
  settings: unknown
}

function previousRelease(): { dir: string; text: string; v7: V7; segmentFiles: Map<string, Buffer> } {
  const dir = tempDir()
  cpSync(fixture, dir, { recursive: true })
  const text = readFileSync(path.join(dir, 'db.json'), 'utf8')
  const segmentFiles = new Map(
    readdirSync(path.join(dir, 'transcripts')).map((f) => [f, readFileSync(path.join(dir, 'transcripts', f))]),
  )
  return { dir, text, v7: JSON.parse(text) as V7, segmentFiles }
}

describe('a data folder of the previous release', { timeout: 60_000 }, () => {
  it('moves every job, transcript entry, watched file and owner to library.db, byte for byte, and keeps the old db.json', async () => {
    const { dir, text, v7, segmentFiles } = previousRelease()
    expect(v7.schemaVersion).toBe(7)
    expect(v7.jobs.length).toBeGreaterThan(0)
    expect(v7.transcripts.length).toBeGreaterThan(0)
    expect(v7.watchedFiles.length).toBeGreaterThan(0)

    const core = await openCore({ dataDir: dir, shell: 'cli', version: 'test', systemLocale: 'tr-TR', env: {} })
    cores.push(core)
    const lib = readLibrary(dir)
    // the one job whose process is gone is recovered as every start does; all else is as it was
    const recovered = (j: Job): Job =>
      j.id === 'job-gone' ? { ...j, status: 'interrupted', error: 'The app stopped before this job finished' } : j
    expect(lib.jobs.map((j) => JSON.stringify(j))).toEqual(v7.jobs.map((j) => JSON.stringify(recovered(j))))
    expect(lib.transcripts.map((t) => JSON.stringify(t))).toEqual(v7.transcripts.map((t) => JSON.stringify(t)))
    expect(lib.watchedFiles.map((w) => JSON.stringify(w))).toEqual(v7.watchedFiles.map((w) => JSON.stringify(w)))
    // the gone owner was dropped by that recovery, as before
    expect(lib.owners).toEqual({})

    // db.json keeps the rest exactly, without the rows that moved
    const now = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as Record<string, unknown>
    expect(now.schemaVersion).toBe(9)
    expect(now).not.toHaveProperty('jobs')
    expect(now).not.toHaveProperty('transcripts')
    expect(now).not.toHaveProperty('watchedFiles')
    expect(now.credits).toEqual(v7.credits)
    // every setting the previous release wrote, exactly; settings added since come with their defaults
    const added = Object.fromEntries(
      Object.entries(defaultSettings).filter(([k]) => !(k in (v7.settings as Record<string, unknown>))),
    )
    expect(now.settings).toEqual({ ...added, ...(v7.settings as Record<string, unknown>) })
    for (const key of ['savedPrompts', 'hardware']) expect(now[key], key).toEqual(v7[key])
    // the enhancement index followed to library.db (schema 9)
    expect(now).not.toHaveProperty('enhancements')
    expect(lib.enhancements).toEqual(v7.enhancements)
    // the history keeps every earlier line; the bundled catalog's update may add its own after them
    const history = (v7 as unknown as Record<string, unknown[]>).pricingHistory!
    expect((now.pricingHistory as unknown[]).slice(0, history.length)).toEqual(history)
    // the catalog is brought up to this release's bundled one as on any start; the user's
    // multipliers and switches stay
    type Row = { provider: string; modelId: string; multiplierTenths: number; active: boolean }
    const rows = (db: Record<string, unknown>) =>
      new Map((db.catalog as { models: Row[] }).models.map((m) => [`${m.provider}/${m.modelId}`, m]))
    const after = rows(now)
    for (const [key, m] of rows(v7 as Record<string, unknown>))
      expect(after.get(key), key).toMatchObject({ multiplierTenths: m.multiplierTenths, active: m.active })
    // the file as the previous release left it, kept beside it
    expect(readFileSync(path.join(dir, 'db.json.before-library'), 'utf8')).toBe(text)
    // the segments stay where they were, untouched
    for (const [f, bytes] of segmentFiles) expect(readFileSync(path.join(dir, 'transcripts', f)).equals(bytes), f).toBe(true)

    // what reads them still works: history, a transcript, search (the old index adopted), jobs
    const list = await call(core, 'transcripts.list', {})
    expect(list.items.map((t) => t.id)).toEqual(v7.transcripts.map((t) => t.id).reverse())
    const first = v7.transcripts[0]!.id
    expect((await call(core, 'transcripts.get', { id: first })).segments.length).toBeGreaterThan(0)
    expect((await call(core, 'library.search', { query: 'istanbul' })).map((r) => r.transcript.id)).toEqual([first])
    expect((await call(core, 'library.search', { query: 'mehmet' })).map((r) => r.transcript.id)).toEqual([first])
    expect((await call(core, 'transcribe.jobs', {})).map((j) => j.id)).toEqual(v7.jobs.map((j) => j.id).reverse())
    expect(core.watch.records().map((r) => r.key)).toEqual(v7.watchedFiles.map((w) => (w as { key: string }).key))
    await core.close()
    cores.splice(0)

    // a second start changes nothing, and the kept copy stays the previous release's
    const again = await openCore({ dataDir: dir, shell: 'cli', version: 'test', systemLocale: 'tr-TR', env: {} })
    cores.push(again)
    expect(readLibrary(dir)).toEqual(lib)
    expect(readFileSync(path.join(dir, 'db.json.before-library'), 'utf8')).toBe(text)
  })

  it('the CLI, as its own process, opens it and finds the moved transcripts', () => {
    const { dir, v7 } = previousRelease()
    const r = spawnSync(
      process.execPath,
      [path.join(root, 'bin/mp4totext.mjs'), 'search', 'ığdır', '--json', '--data-dir', dir],
      {
        encoding: 'utf8',
      },
    )
    expect(r.status, r.stderr).toBe(0)
    const found = JSON.parse(r.stdout) as { transcript: { id: string } }[]
    expect(found.map((f) => f.transcript.id)).toEqual([v7.transcripts[0]!.id])
    expect(readLibrary(dir).transcripts).toHaveLength(v7.transcripts.length)
  })
})
