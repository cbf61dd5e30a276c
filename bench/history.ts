// npm run bench:history — what the library's size costs: a data folder with N past transcripts
// (each with its job and 60 segments), real core calls. Times are medians of several runs in
// this process; the ratio column compares with the empty folder measured in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openCore, type Core } from '../src/core/app-core'
import { createInitialDb } from '../src/core/initial-db'
import type { Db } from '../src/core/store/db-schema'
import { printTable } from './table'

const SIZES = (process.env.BENCH_HISTORY_SIZES ?? '0,1000,10000').split(',').map(Number)
const SEGMENTS = 60
const words = ['hello', 'today', 'we', 'talked', 'about', 'the', 'release', 'plan', 'budget', 'İstanbul', 'toplantı', 'şirket']

/** Write a data folder as N finished transcriptions would leave it (one db.json write, not N). */
function makeLibrary(n: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-history-'))
  const db: Db = createInitialDb()
  mkdirSync(path.join(dir, 'transcripts'), { recursive: true })
  for (let i = 0; i < n; i++) {
    const id = `t-${i}`
    const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()
    const segments = Array.from({ length: SEGMENTS }, (_, k) => ({
      id: k,
      start: k * 4,
      end: k * 4 + 3.5,
      text: Array.from({ length: 9 }, (_, w) => words[(i * 7 + k * 3 + w) % words.length]).join(' ') + ` ${i % 10}.`,
    }))
    writeFileSync(path.join(dir, 'transcripts', `${id}.json`), JSON.stringify({ revision: 0, segments }))
    db.transcripts.push({
      id,
      jobId: `j-${i}`,
      fileName: `meeting-${i}.mp4`,
      mediaPath: `/media/meeting-${i}.mp4`,
      hasVideo: true,
      createdAt: at,
      updatedAt: at,
      durationSec: SEGMENTS * 4,
      language: 'en',
      model: 'base',
      segmentCount: SEGMENTS,
      preview: segments[0]!.text,
      revision: 0,
    })
  }
  writeFileSync(path.join(dir, 'db.json'), JSON.stringify(db))
  return dir
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
async function time(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  return median(ms)
}

const rows: string[][] = [
  ['N past files', 'db.json', 'first open (indexes)', 'open', 'one top-up', 'search "hello 7"', 'vs N=0 (top-up, search)'],
]
let base: { topUp: number; search: number } | null = null
for (const n of SIZES) {
  const dir = makeLibrary(n)
  try {
    const { statSync } = await import('node:fs')
    const size = statSync(path.join(dir, 'db.json')).size
    const open = () => openCore({ dataDir: dir, shell: 'cli', version: 'bench', systemLocale: 'en' })
    let t0 = performance.now()
    let core: Core = await open()
    await core.transcripts.search('warm') // the first start indexes the library
    const first = performance.now() - t0
    await core.close()
    t0 = performance.now()
    core = await open()
    const opened = performance.now() - t0
    const topUp = await time(7, () => core.credits.topUp(1, 'bench'))
    const search = await time(7, () => core.transcripts.search('hello 7'))
    await core.close()
    base ??= { topUp, search }
    rows.push([
      String(n),
      `${(size / 1e6).toFixed(2)} MB`,
      `${first.toFixed(0)} ms`,
      `${opened.toFixed(0)} ms`,
      `${topUp.toFixed(1)} ms`,
      `${search.toFixed(1)} ms`,
      `${(topUp / base.topUp).toFixed(2)}×, ${(search / Math.max(base.search, 0.01)).toFixed(1)}×`,
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
printTable('History at scale (medians of 7 runs; the search is the library index, library.db)', rows)
