import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PCM_DIR_PREFIX } from '../media/decode'
import { engineRunDir, readEngineRecords, removeEngineRecord, type EngineRecord } from './engine-record'
import { processInfo } from './process-info'
import { pidAlive } from './process-owner'

/** Folders from versions that did not name their owner: only an old one is surely abandoned. */
const LEGACY_MAX_AGE_MS = 24 * 3600_000

export interface StaleRuntimeReport {
  removedTempDirs: string[]
  killedEngines: number[]
}

/**
 * Start-up clean-up after processes that died without cleaning up (kill -9, a crash, a power cut):
 * removes decoded-audio folders whose owner is dead, and ends whisper-servers recorded under
 * `<dataDir>/run` whose owner is dead. Work of live processes (the CLI next to the app, say) is
 * never touched. Never throws: a clean-up that fails must not stop the app from starting.
 */
export async function cleanStaleRuntime(opts: { dataDir: string; tmpDir?: string }): Promise<StaleRuntimeReport> {
  const report: StaleRuntimeReport = { removedTempDirs: [], killedEngines: [] }
  await Promise.all([
    cleanTempAudio(opts.tmpDir ?? os.tmpdir(), report).catch(() => undefined),
    cleanEngines(engineRunDir(opts.dataDir), report).catch(() => undefined),
  ])
  return report
}

/** Decoded audio lives in `<tmp>/mp4totext-pcm-<owner pid>-XXXXXX` (src/core/media/decode.ts). */
async function cleanTempAudio(tmpDir: string, report: StaleRuntimeReport): Promise<void> {
  const entries = await fs.readdir(tmpDir, { withFileTypes: true })
  for (const e of entries) {
    if (!e.isDirectory() || !e.name.startsWith(PCM_DIR_PREFIX)) continue
    const rest = e.name.slice(PCM_DIR_PREFIX.length)
    const owner = /^(\d+)-[^-]+$/.exec(rest)
    const dir = path.join(tmpDir, e.name)
    let stale: boolean
    if (owner) stale = Number(owner[1]) !== process.pid && !pidAlive(Number(owner[1]))
    else if (/^[^-]+$/.test(rest)) {
      const st = await fs.stat(dir).catch(() => null)
      stale = st !== null && Date.now() - st.mtimeMs > LEGACY_MAX_AGE_MS
    } else stale = false
    if (!stale) continue
    try {
      await fs.rm(dir, { recursive: true, force: true })
      report.removedTempDirs.push(dir)
    } catch {
      // another user's folder in a shared /tmp, or in use on Windows: not ours to force
    }
  }
}

async function cleanEngines(runDir: string, report: StaleRuntimeReport): Promise<void> {
  for (const rec of await readEngineRecords(runDir)) {
    if (rec.hostname !== os.hostname()) continue
    const info = await processInfo(rec.pid)
    if (info === null) {
      removeEngineRecord(runDir, rec.pid)
      continue
    }
    // pid reuse: kill only a whisper-server on the recorded port
    if (!isRecordedEngine(info.command, rec)) {
      removeEngineRecord(runDir, rec.pid)
      continue
    }
    // An engine's parent changes only when its owner died, so a different parent proves the
    // owner gone even if the owner's pid was reused since.
    const ownerGone = (info.ppid !== null && info.ppid !== rec.ownerPid) || !pidAlive(rec.ownerPid)
    if (!ownerGone) continue
    try {
      process.kill(rec.pid, 'SIGKILL')
      report.killedEngines.push(rec.pid)
    } catch {
      // gone in the meantime
    }
    removeEngineRecord(runDir, rec.pid)
  }
}

function isRecordedEngine(command: string, rec: EngineRecord): boolean {
  const exe = path.basename(rec.serverPath).toLowerCase()
  return (
    command.toLowerCase().includes(exe) &&
    /whisper-server/i.test(command) &&
    new RegExp(`--port\\s+${rec.port}(\\s|$)`).test(command)
  )
}
