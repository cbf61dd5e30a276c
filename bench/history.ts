// npm run bench:history — what the library's size costs: a data folder with N past files (each a
// finished job, its transcript of 60 segments, and a watched-file record, as the release before
// library.db left them in db.json, and its segments in transcripts/<id>.json), real core calls. The
// first open moves the rows to library.db, imports the segment files and indexes them; then a fresh process per N opens the core again and measures a top-up, a
// search and its own memory, so one size's garbage does not count against the next. Times are
// medians; the ratio column compares with the empty folder measured in the same run.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openCore, type Core } from '../src/core/app-core'
import { createInitialDb } from '../src/core/initial-db'
import type { Job, TranscriptMeta } from '../src/shared/transcribe-types'
import type { WatchedFile } from '../src/shared/calls/watch-calls'
import { printTable } from './table'

const SIZES = (process.env.BENCH_HISTORY_SIZES ?? '0,1000,10000,50000').split(',').map(Number)
const SEGMENTS = 60
const RUNS = 7
const words = ['hello', 'today', 'we', 'talked', 'about', 'the', 'release', 'plan', 'budget', 'İstanbul', 'toplantı', 'şirket']

/** Write a data folder as N finished transcriptions left it (one db.json write, not N). */
function makeLibrary(n: number): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-history-'))
  const db = {
    ...createInitialDb(),
    schemaVersion: 7,
    jobs: [] as Job[],
    transcripts: [] as TranscriptMeta[],
    watchedFiles: [] as WatchedFile[],
  }
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
    const file = `/media/meeting-${i}.mp4`
    db.jobs.push({
      id: `j-${i}`,
      file,
      fileName: `meeting-${i}.mp4`,
      status: 'done',
      progress: 1,
      etaSec: null,
      realtimeFactor: 0.2,
      durationSec: SEGMENTS * 4,
      options: { model: 'base', language: 'en', translate: false, prompt: '' },
      createdAt: at,
      startedAt: at,
      finishedAt: at,
      error: null,
      transcriptId: id,
    })
    db.transcripts.push({
      id,
      jobId: `j-${i}`,
      fileName: `meeting-${i}.mp4`,
      mediaPath: file,
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
    db.watchedFiles.push({
      key: `${file}:1000:${i}`,
      path: file,
      size: 1000,
      mtimeMs: i,
      folderId: 'w',
      rootDir: '/media',
      outDir: null,
      formats: ['txt'],
      model: null,
      language: null,
      vad: null,
      status: 'done',
      jobId: `j-${i}`,
      transcriptId: id,
      outputs: [`/media/meeting-${i}.txt`],
      error: null,
      at,
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

const open = (dir: string) => openCore({ dataDir: dir, shell: 'cli', version: 'bench', systemLocale: 'en' })

interface Measured {
  open: number
  topUp: number
  search: number
  heapMB: number
  rssMB: number
}

/** In a process of its own: open the core on `dir` and measure. */
async function measure(dir: string): Promise<Measured> {
  const opens: number[] = []
  let core: Core | null = null
  for (let i = 0; i < 3; i++) {
    if (core) await core.close()
    const t0 = performance.now()
    core = await open(dir)
    opens.push(performance.now() - t0)
  }
  const c = core!
  const topUp = await time(RUNS, () => c.credits.topUp(1, 'bench'))
  const search = await time(RUNS, () => c.transcripts.search('hello 7'))
  // what the open app keeps in memory, with garbage collected
  ;(globalThis as { gc?: () => void }).gc?.()
  const mem = process.memoryUsage()
  await c.close()
  return { open: median(opens), topUp, search, heapMB: mem.heapUsed / 1e6, rssMB: mem.rss / 1e6 }
}

if (process.argv[2] === '--measure') {
  process.stdout.write(JSON.stringify(await measure(process.argv[3]!)))
  process.exit(0)
}

const rows: string[][] = [
  [
    'N past files',
    'db.json',
    'library.db',
    'first open (moves, imports, indexes)',
    'open core',
    'one top-up',
    'search "hello 7"',
    'app heap / rss',
    'vs N=0 (top-up, open, search)',
  ],
]
let base: Measured | null = null
for (const n of SIZES) {
  const dir = makeLibrary(n)
  try {
    const t0 = performance.now()
    const core = await open(dir)
    await core.transcripts.search('warm') // the first start imports the segment files and indexes the library
    const first = performance.now() - t0
    await core.close()
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'history.ts'), '--measure', dir],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    )
    if (child.status !== 0) throw new Error(`measuring N=${n} failed: ${child.stderr}`)
    const m = JSON.parse(child.stdout) as Measured
    base ??= m
    const size = (f: string) => `${(statSync(path.join(dir, f)).size / 1e6).toFixed(2)} MB`
    rows.push([
      String(n),
      size('db.json'),
      size('library.db'),
      `${(first / 1000).toFixed(1)} s`,
      `${m.open.toFixed(0)} ms`,
      `${m.topUp.toFixed(1)} ms`,
      `${m.search.toFixed(1)} ms`,
      `${m.heapMB.toFixed(0)} / ${m.rssMB.toFixed(0)} MB`,
      `${(m.topUp / base.topUp).toFixed(2)}×, ${(m.open / base.open).toFixed(1)}×, ${(m.search / Math.max(base.search, 0.01)).toFixed(1)}×`,
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
printTable(`History at scale (medians of ${RUNS} runs; a fresh process per size)`, rows)
