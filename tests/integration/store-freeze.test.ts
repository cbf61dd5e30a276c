// A process frozen while it holds db.json's lock (Ctrl-Z on a CLI run, a debugger, a laptop that
// slept) must not, when it resumes, put back a copy of db.json it read before others wrote:
// every top-up a process acknowledged stays in the ledger. Real processes, real SIGSTOP/SIGCONT.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkLedger } from '../../src/core/credits/ledger'
import { createInitialDb } from '../../src/core/initial-db'
import type { Db } from '../../src/core/store/db-schema'
import { Store } from '../../src/core/store/store'
import { useTempDirs } from '../helpers/temp-dir'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const children = new Set<ChildProcess>()
afterEach(() => {
  for (const c of children) {
    c.kill('SIGCONT')
    c.kill('SIGKILL')
  }
  children.clear()
})

interface Run {
  child: ChildProcess
  output: () => string
  done: Promise<number>
}

function topUps(dataDir: string, tag: string, count: number, freeze = false): Run {
  const args = ['--import', 'tsx', path.join(root, 'tests/helpers/top-up-child.ts'), dataDir, tag, String(count)]
  const child = spawn(process.execPath, freeze ? [...args, 'freeze'] : args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c))
  child.stderr!.on('data', (c: Buffer) => (out += c))
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
  return { child, output: () => out, done }
}

const acked = (out: string) => [...out.matchAll(/^ack (\S+)$/gm)].map((m) => m[1]!)
const readDb = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as Db
const stopped = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')
}

describe.runIf(process.platform === 'linux')('a frozen writer', { timeout: 120_000 }, () => {
  it('that resumes after another process took its stale lock loses none of that process’s acknowledged top-ups', async () => {
    const dir = tempDir()
    ;(await Store.open(dir, createInitialDb)).close()

    // A stops itself in the middle of its write, holding the lock
    const a = topUps(dir, 'a', 3, true)
    await until('A to freeze mid-write', () => a.output().includes('frozen') && stopped(a.child.pid!))

    // B waits for the lock to go stale (A cannot refresh it), takes it over and adds its credits
    const b = topUps(dir, 'b', 20)
    expect(await b.done, b.output()).toBe(0)
    expect(acked(b.output())).toHaveLength(20)

    // A wakes up and finishes what it was doing
    a.child.kill('SIGCONT')
    expect(await a.done, a.output()).toBe(0)

    const db = readDb(dir)
    const inLedger = new Set(db.credits.ledger.map((e) => e.details?.requestId as string | undefined))
    const every = [...acked(a.output()), ...acked(b.output())]
    for (const id of every) expect(inLedger, `acknowledged top-up ${id} is in the ledger`).toContain(id)
    // each once, and the chain still verifies with the balance they add up to
    expect(db.credits.ledger.filter((e) => e.type === 'top-up')).toHaveLength(every.length)
    expect(checkLedger(db.credits)).toEqual({ balance: 1000 + every.length, edited: 0 })
  })

  it('killed mid-write leaves a temp copy that the next start removes; a live writer’s is kept', async () => {
    const dir = tempDir()
    ;(await Store.open(dir, createInitialDb)).close()
    const a = topUps(dir, 'a', 1, true)
    await until('A to freeze mid-write', () => a.output().includes('frozen') && stopped(a.child.pid!))
    const temps = () => readdirSync(dir).filter((f) => f.startsWith('db.json.tmp-'))
    expect(temps()).toHaveLength(1)
    // a live (if stopped) process's temp copy is its own business
    ;(await Store.open(dir, createInitialDb)).close()
    expect(temps()).toHaveLength(1)
    a.child.kill('SIGKILL')
    await a.done
    ;(await Store.open(dir, createInitialDb)).close()
    expect(temps()).toEqual([])
  })
})
