// Several shells on one data folder, as users run them: the web host (standing in for the app)
// and CLI runs at the same time, each a real separate process.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CreditsService } from '../../src/core/credits/credits-service'
import { createInitialDb } from '../../src/core/initial-db'
import type { Db } from '../../src/core/store/db-schema'
import { Store } from '../../src/core/store/store'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { useFakeLlmServer } from '../helpers/use-fake-llm-server'
import { readLibrary } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const llm = useFakeLlmServer({ apiKey: TEST_KEY })

const children = new Set<ChildProcess>()
afterEach(() => {
  for (const c of children) c.kill('SIGKILL')
  children.clear()
})

type Result = { code: number; stdout: string; stderr: string }

function cli(args: string[], dataDir: string): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [path.join(root, 'bin/mp4totext.mjs'), ...args, '--data-dir', dataDir], {
    env: { ...process.env, ...envFor(llm()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (c: Buffer) => (stdout += c))
  child.stderr!.on('data', (c: Buffer) => (stderr += c))
  const done = new Promise<Result>((resolve) =>
    child.on('close', (code) => {
      children.delete(child)
      resolve({ code: code ?? -1, stdout, stderr })
    }),
  )
  return { child, done }
}

/** db.json and library.db together: the credits and the enhancement index (it moved to library.db) */
const readDb = (dir: string) => {
  const db = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as Db
  const lib = readLibrary(dir)
  return { ...db, enhancements: lib.enhancements, owners: { ...db.owners, ...lib.owners } }
}
const ledgerSum = (db: Pick<Db, 'credits'>) => db.credits.ledger.reduce((a, e) => a + e.amount, 0)

async function startWebHost(dataDir: string): Promise<{ call: (name: string, input?: unknown) => Promise<unknown> }> {
  const staticDir = tempDir()
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>')
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/web/main.ts'), '--data-dir', dataDir, '--static', staticDir],
    { cwd: root, env: { ...process.env, ...envFor(llm()) }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.add(child)
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c))
  const url = new URL(await until('the web host to print its URL', () => /Open: (\S+)/.exec(out)?.[1]))
  const token = url.searchParams.get('token')!
  return {
    call: async (name, input = {}) => {
      const res = await fetch(`${url.origin}/api/call/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mp4totext-token': token },
        body: JSON.stringify(input),
      })
      const env = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } }
      if (!env.ok) throw new Error(env.error?.message)
      return env.value
    },
  }
}

describe('one data folder, several processes', { timeout: 120_000 }, () => {
  it('loses no top-up when eight CLI runs and the web host add credits at once, and the host sees them without a restart', async () => {
    const dir = tempDir()
    const host = await startWebHost(dir)
    const runs = Array.from({ length: 8 }, () => cli(['credits', 'add', '10'], dir).done)
    // the host writes at the same time
    const hostTopUps = [5, 5].map((n) => host.call('credits.topUp', { amount: n }))
    const results = await Promise.all(runs)
    await Promise.all(hostTopUps)
    for (const r of results) expect(r.code, r.stderr).toBe(0)
    const due = 1000 + 8 * 10 + 2 * 5
    // the host follows db.json: the CLI's top-ups reach it without a restart
    await until(
      'the host to see every top-up',
      async () => ((await host.call('credits.get')) as { balance: number }).balance === due,
    )
    // and its next write keeps them
    await host.call('credits.topUp', { amount: 1 })
    const after = await cli(['credits', '--json'], dir).done
    expect(JSON.parse(after.stdout).balance).toBe(due + 1)
    expect(ledgerSum(readDb(dir))).toBe(due + 1)
  })

  it('never spends the same credits twice: three parallel runs on a balance that pays for one', async () => {
    const dir = tempDir()
    const store = await Store.open(dir, createInitialDb)
    const cost = store.data.catalog.models.find((m) => m.modelId === 'llama-3.1-8b-instant')!
    const credits = new CreditsService(store)
    const price = Math.round((20 * cost.multiplierTenths) / 10)
    await credits.adjustTo(price, 'test: room for one run')
    const file = path.join(dir, 'talk.txt')
    writeFileSync(file, 'bir iki üç. dört beş.')
    const runs = await Promise.all(
      [1, 2, 3].map(() => cli(['enhance', file, '--model', 'groq/llama-3.1-8b-instant', '--preset', 'cleanup'], dir).done),
    )
    const ok = runs.filter((r) => r.code === 0)
    expect(ok, runs.map((r) => r.stderr).join('\n')).toHaveLength(1)
    for (const r of runs.filter((x) => x.code !== 0)) expect(r.stderr).toMatch(/needs \d+ credits and the balance is 0/)
    const db = readDb(dir)
    expect(db.credits.ledger.filter((e) => e.type === 'charge')).toHaveLength(1)
    expect(ledgerSum(db)).toBe(0)
  })

  it('a process that starts leaves another process’s live enhancement alone; one that was killed is refunded', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'talk.txt')
    writeFileSync(file, 'merhaba dünya. bugün toplantı var.')
    const args = ['enhance', file, '--model', 'groq/llama-3.1-8b-instant', '--preset', 'cleanup']

    // 1. A's request is held in flight while B starts and finishes
    let release!: () => void
    llm().fail({ model: 'llama-3.1-8b-instant', holdUntil: new Promise<void>((r) => (release = r)) })
    const a = cli(args, dir)
    // the reservation and the running record are one write: wait for both
    const admitted = () => {
      const db = readDb(dir)
      return db.credits.reservations.some((r) => r.status === 'pending') && db.enhancements.some((e) => e.status === 'running')
    }
    await until('A to reserve its credits', () => {
      try {
        return admitted()
      } catch {
        return false
      }
    })
    const b = await cli(['credits', '--json'], dir).done
    expect(b.code).toBe(0)
    // B's start-up recovery did not take A's live work for interrupted
    expect(readDb(dir).credits.ledger.filter((e) => e.type === 'refund')).toHaveLength(0)
    expect(readDb(dir).enhancements[0]!.status).toBe('running')
    release()
    const resultA = await a.done
    expect(resultA.code, resultA.stderr).toBe(0)
    let db = readDb(dir)
    expect(db.credits.ledger.filter((e) => e.type === 'refund')).toHaveLength(0)
    expect(db.credits.reservations[0]!.status).toBe('committed')
    expect(db.enhancements[0]!.status).toBe('done')

    // 2. C is killed mid-run: the next process to start gives its credits back
    let never!: () => void
    llm().fail({ model: 'llama-3.1-8b-instant', holdUntil: new Promise<void>((r) => (never = r)) })
    const c = cli(args, dir)
    await until('C to reserve its credits', admitted)
    c.child.kill('SIGKILL')
    await c.done
    const d = await cli(['credits', '--json'], dir).done
    never()
    db = readDb(dir)
    expect(JSON.parse(d.stdout).balance).toBe(ledgerSum(db))
    expect(db.credits.reservations.map((r) => r.status)).toEqual(['committed', 'refunded'])
    expect(db.credits.ledger.at(-1)).toMatchObject({ type: 'refund' })
    expect(db.enhancements.map((e) => e.status)).toEqual(['done', 'failed'])
    expect(db.owners).toEqual({})
  })

  it('leaves the data folder private to the user', async () => {
    const dir = path.join(tempDir(), 'data')
    mkdirSync(dir, { mode: 0o755 })
    const r = await cli(['credits', 'add', '1'], dir).done
    expect(r.code).toBe(0)
    const { statSync } = await import('node:fs')
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(path.join(dir, 'db.json')).mode & 0o777).toBe(0o600)
  })
})
