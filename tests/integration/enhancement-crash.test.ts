// The credits (db.json) and an enhancement's record (library.db) are written in turn, never in
// one write. A real separate process running an enhancement is killed (SIGKILL) at each boundary
// between those writes, and the next process to start reconciles the two: no credits kept for
// what was not delivered, no delivered and paid result lost, nothing left running or pending.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import type { Db } from '../../src/core/store/db-schema'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { useFakeLlmServer } from '../helpers/use-fake-llm-server'
import { readLibrary } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const llm = useFakeLlmServer({ apiKey: TEST_KEY })
const children = new Set<ChildProcess>()
const cores: Core[] = []
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL')
  children.clear()
  for (const c of cores.splice(0)) await c.close()
})

const readDb = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as Db
const ledgerSum = (db: Db) => db.credits.ledger.reduce((a, e) => a + e.amount, 0)
const STARTING = 1000
const COST = 4 // groq/llama-3.1-8b-instant in the bundled catalog
const OUTPUT = 'BUGÜN TOPLANTI VAR. HERKES GELSIN.'

/** Run the child until it stops itself at `step`, then kill it there. */
async function killedAt(dir: string, step: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tests/helpers/enhance-child.ts'), dir, step], {
    cwd: root,
    env: { ...process.env, ...envFor(llm()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (c: Buffer) => (out += c))
  child.stderr!.on('data', (c: Buffer) => (err += c))
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
  let exited = false
  void closed.then(() => (exited = true))
  await until(`the child to stop ${step}`, () => {
    if (exited) throw new Error(`the child ended before ${step}: ${out}${err}`)
    return out.includes(`stopped ${step}`)
  })
  child.kill('SIGKILL')
  await closed
  children.delete(child)
}

/** The next process to start: its start-up recovery runs, as every shell's does. */
async function nextStart(dir: string): Promise<Core> {
  const core = await openCore({ dataDir: dir, shell: 'cli', version: 'test', systemLocale: 'en-US', env: envFor(llm()) })
  cores.push(core)
  return core
}

describe('an enhancement whose process is killed between its writes', { timeout: 120_000 }, () => {
  it('after the reservation, before its record: refunded, and nothing else', async () => {
    const dir = tempDir()
    await killedAt(dir, 'after-reserve')
    // what the kill left: a pending reservation, charged, and no record
    expect(readDb(dir).credits.reservations.map((r) => r.status)).toEqual(['pending'])
    expect(ledgerSum(readDb(dir))).toBe(STARTING - COST)
    expect(readLibrary(dir).enhancements).toEqual([])

    const core = await nextStart(dir)
    const db = readDb(dir)
    expect(db.credits.reservations.map((r) => r.status)).toEqual(['refunded'])
    expect(db.credits.ledger.map((e) => e.type)).toEqual(['grant', 'charge', 'refund'])
    expect(core.credits.state().balance).toBe(STARTING)
    expect(readLibrary(dir)).toMatchObject({ enhancements: [], owners: {} })
    expect(core.enhance.history()).toEqual([])
  })

  it('after its texts were saved, before the commit: refunded, the record failed', async () => {
    const dir = tempDir()
    await killedAt(dir, 'after-texts')
    expect(readDb(dir).credits.reservations.map((r) => r.status)).toEqual(['pending'])
    expect(readLibrary(dir).enhancements.map((e) => e.status)).toEqual(['running'])

    const core = await nextStart(dir)
    const db = readDb(dir)
    expect(db.credits.reservations.map((r) => r.status)).toEqual(['refunded'])
    expect(core.credits.state().balance).toBe(STARTING)
    const lib = readLibrary(dir)
    expect(lib.enhancements).toMatchObject([{ status: 'failed', error: expect.stringContaining('Interrupted') }])
    expect(lib.owners).toEqual({})
  })

  it('after the commit, before the record was marked done: the charge stands and the run is done, its text kept', async () => {
    const dir = tempDir()
    await killedAt(dir, 'after-commit')
    expect(readDb(dir).credits.reservations.map((r) => r.status)).toEqual(['committed'])
    const [running] = readLibrary(dir).enhancements
    expect(running).toMatchObject({ status: 'running' })

    const core = await nextStart(dir)
    const db = readDb(dir)
    expect(db.credits.reservations.map((r) => r.status)).toEqual(['committed'])
    expect(db.credits.ledger.map((e) => e.type)).toEqual(['grant', 'charge'])
    expect(core.credits.state().balance).toBe(STARTING - COST)
    const lib = readLibrary(dir)
    expect(lib.enhancements).toMatchObject([{ id: running!.id, status: 'done', error: null, preview: OUTPUT }])
    expect(lib.owners).toEqual({})
    expect(await core.enhance.output(running!.id)).toMatchObject({ output: OUTPUT, partial: false })
    await core.close()
    cores.splice(0)
    // a second start finds nothing left to do
    await nextStart(dir)
    expect(readDb(dir).credits).toEqual(db.credits)
    expect(readLibrary(dir)).toEqual(lib)
  })

  it('after a failed run was refunded, before its record was marked failed: refunded once, the record failed', async () => {
    const dir = tempDir()
    llm().fail({ model: 'llama-3.1-8b-instant', status: 400, body: { error: { message: 'refused by the test' } } })
    await killedAt(dir, 'after-refund')
    expect(readDb(dir).credits.reservations.map((r) => r.status)).toEqual(['refunded'])
    expect(readLibrary(dir).enhancements.map((e) => e.status)).toEqual(['running'])

    const core = await nextStart(dir)
    const db = readDb(dir)
    expect(db.credits.ledger.map((e) => e.type)).toEqual(['grant', 'charge', 'refund'])
    expect(core.credits.state().balance).toBe(STARTING)
    expect(readLibrary(dir)).toMatchObject({ enhancements: [{ status: 'failed' }], owners: {} })
  })

  it('while the provider answers (its record running): refunded, the record failed', async () => {
    const dir = tempDir()
    let never!: () => void
    llm().fail({ model: 'llama-3.1-8b-instant', holdUntil: new Promise<void>((r) => (never = r)) })
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'tests/helpers/enhance-child.ts'), dir, 'after-refund'],
      { cwd: root, env: { ...process.env, ...envFor(llm()) }, stdio: 'ignore' },
    )
    children.add(child)
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
    await until('the run to be recorded as running', () => {
      try {
        return existsSync(path.join(dir, 'library.db')) && readLibrary(dir).enhancements[0]?.status === 'running'
      } catch {
        return false
      }
    })
    child.kill('SIGKILL')
    await closed
    never()

    const core = await nextStart(dir)
    expect(readDb(dir).credits.reservations.map((r) => r.status)).toEqual(['refunded'])
    expect(core.credits.state().balance).toBe(STARTING)
    expect(readLibrary(dir)).toMatchObject({ enhancements: [{ status: 'failed' }], owners: {} })
  })
})
