// An enhancement is settled exactly once whatever write fails: admission is one write (the
// reservation and the running record together), and a write that fails at the end — a full
// disk — is retried until it lands: what was delivered is committed and kept, nothing stays
// "running" or "pending". Real lowdb files, the real SDK against a local llm(), a real full
// file system (a small tmpfs).
import { execFileSync } from 'node:child_process'
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import type { Db as DbJson } from '../../src/core/store/db-schema'
import type { EnhanceRequest } from '../../src/shared/enhance-types'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer } from '../helpers/fake-llm-server'
import { useFakeLlmServer } from '../helpers/use-fake-llm-server'
import { readLibrary, readTexts } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
const llm = useFakeLlmServer({ apiKey: TEST_KEY })
const cores: Core[] = []
const mounts: string[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
  for (const m of mounts.splice(0)) execFileSync('umount', ['-l', m])
})

const req: EnhanceRequest = {
  text: 'bugün toplantı var. herkes gelsin.',
  provider: 'groq',
  modelId: 'llama-3.1-8b-instant',
  preset: 'cleanup',
}
/** db.json and library.db together: the credits and the enhancement index (it moved to library.db) */
const readDb = (dir: string) => {
  const db = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as DbJson
  const lib = readLibrary(dir)
  return { ...db, enhancements: lib.enhancements, owners: { ...db.owners, ...lib.owners } }
}
type Db = ReturnType<typeof readDb>

async function open(dataDir: string): Promise<Core> {
  const core = await openCore({ dataDir, shell: 'web', version: 'test', systemLocale: 'en-US', env: envFor(llm()) })
  cores.push(core)
  return core
}

/** Every reservation settled, each with its history row, and charged exactly when that run is done. */
function expectSettled(db: Db, before: number): void {
  expect(db.credits.reservations.filter((r) => r.status === 'pending')).toEqual([])
  expect(db.enhancements.filter((e) => e.status === 'running')).toEqual([])
  for (const r of db.credits.reservations) {
    const rec = db.enhancements.find((e) => e.id === r.ref)
    expect(rec, `reservation ${r.ref} has its history row`).toBeDefined()
    expect(r.status).toBe(rec!.status === 'done' ? 'committed' : 'refunded')
  }
  const done = db.enhancements.filter((e) => e.status === 'done').reduce((a, e) => a + e.credits, 0)
  expect(db.credits.ledger.reduce((a, e) => a + e.amount, 0)).toBe(before - done)
}

describe('an enhancement settles once, whatever write fails', { timeout: 120_000 }, () => {
  for (const failing of [1, 2, 3, 4]) {
    it(`write ${failing} of the run fails: nothing charged for what did not run, no reservation left pending`, async () => {
      const dir = tempDir()
      const core = await open(dir)
      const before = core.credits.state().balance
      const real = core.store.mutate.bind(core.store)
      let n = 0
      vi.spyOn(core.store, 'mutate').mockImplementation(((fn: (d: DbJson) => unknown) => {
        n++
        if (n === failing) return Promise.reject(new Error('ENOSPC: no space left on device, write'))
        return real(fn)
      }) as typeof core.store.mutate)
      const finished = new Promise<void>((resolve) => core.events.subscribe((name) => name === 'enhance.finished' && resolve()))
      const started = await core.enhance.start(req).catch(() => null)
      if (started) await finished
      // what failed is retried: wait for every record to settle
      await until('the run to settle', () => {
        const db = readDb(dir)
        return (
          !db.credits.reservations.some((r) => r.status === 'pending') && !db.enhancements.some((e) => e.status === 'running')
        )
      })
      expectSettled(readDb(dir), before)
    })
  }

  const root = process.getuid?.() === 0 && process.platform === 'linux'
  it.runIf(root)(
    'a disk that is full when the answer arrives: the run is committed and its text kept once room is made',
    async () => {
      const dir = tempDir()
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir])
      mounts.push(dir)
      const dataDir = path.join(dir, 'data')
      mkdirSync(dataDir)
      const core = await open(dataDir)
      const before = core.credits.state().balance
      let release!: () => void
      llm().fail({ holdUntil: new Promise<void>((r) => (release = r)) })
      const finished = new Promise<{ status: string }>((resolve) =>
        core.events.subscribe((name, e) => name === 'enhance.finished' && resolve(e as { status: string })),
      )
      const { id } = await core.enhance.start(req)
      await until('the request to reach the provider', () => llm().requests.length > 0)

      // the disk fills up while the provider answers
      const filler = path.join(dir, 'filler')
      const fd = openSync(filler, 'w')
      const block = Buffer.alloc(64 * 1024, 1)
      try {
        for (;;) writeSync(fd, block)
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
      } finally {
        closeSync(fd)
      }
      release()
      // the answer was delivered to the user
      expect((await finished).status).toBe('done')

      // room again: the next write (or the retry) settles it — charged once, its text kept
      rmSync(filler)
      await until(
        'the run to be recorded as done',
        () => readDb(dataDir).enhancements.find((e) => e.id === id)?.status === 'done',
      )
      const db = readDb(dataDir)
      expectSettled(db, before)
      expect(db.credits.ledger.filter((e) => e.type === 'charge')).toHaveLength(1)
      expect(readTexts(dataDir, id)).toMatchObject({ output: req.text.toUpperCase(), partial: false })
    },
  )

  describe('an answer cut off at the model’s output limit (finish_reason "length")', () => {
    // ten sentences: the chunker can split them in two
    const long = Array.from({ length: 10 }, (_, i) => `cümle ${i} burada.`).join(' ')

    it('is asked again in smaller parts, and the whole text is delivered and charged once', async () => {
      const limited = await startFakeLlmServer({ apiKey: TEST_KEY, maxOutputWords: 20 })
      try {
        const dir = tempDir()
        const core = await openCore({ dataDir: dir, shell: 'cli', version: 'test', systemLocale: 'en-US', env: envFor(limited) })
        cores.push(core)
        const before = core.credits.state().balance
        const result = await core.enhance.run({ ...req, text: long })
        expect(result.text.replace(/\s+/g, ' ')).toBe(long.toUpperCase())
        expect(limited.requests.length).toBeGreaterThan(1)
        const db = readDb(dir)
        expectSettled(db, before)
        expect(db.credits.ledger.filter((e) => e.type === 'charge')).toHaveLength(1)
      } finally {
        await limited.close()
      }
    })

    it('that no smaller part fits either fails plainly: refunded, what it wrote kept as partial', async () => {
      const limited = await startFakeLlmServer({ apiKey: TEST_KEY, maxOutputWords: 2 })
      try {
        const dir = tempDir()
        const core = await openCore({ dataDir: dir, shell: 'cli', version: 'test', systemLocale: 'en-US', env: envFor(limited) })
        cores.push(core)
        const before = core.credits.state().balance
        const err = await core.enhance.run({ ...req, text: long }).catch((e: unknown) => e as Error)
        expect(err).toBeInstanceOf(Error)
        expect((err as Error).message).toMatch(/output limit/)
        const db = readDb(dir)
        expectSettled(db, before)
        expect(core.credits.state().balance).toBe(before)
        const rec = db.enhancements[0]!
        expect(rec.status).toBe('failed')
        expect(readTexts(dir, rec.id)).toMatchObject({ partial: true })
      } finally {
        await limited.close()
      }
    })
  })
})
