import { promises as fs } from 'node:fs'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../store/safe-json-file'

/**
 * A running whisper-server, written by the process that started it, so that a later start can end
 * it if that process died without doing so (kill -9, a power cut in the middle of a quit).
 */
export interface EngineRecord {
  pid: number
  /** the process that started it and owns it */
  ownerPid: number
  port: number
  serverPath: string
  /** a data folder can be shared between machines (a network home): pids mean nothing elsewhere */
  hostname: string
  startedAt: string
}

/** Where the records live: one home for the path, used by WhisperServer and the clean-up. */
export function engineRunDir(dataDir: string): string {
  return path.join(dataDir, 'run')
}

const fileOf = (runDir: string, pid: number) => path.join(runDir, `engine-${pid}.json`)

/** Synchronous: written before the caller can lose the engine, removable from an 'exit' handler. */
export function writeEngineRecord(runDir: string, rec: EngineRecord): void {
  mkdirSync(runDir, { recursive: true, mode: PRIVATE_DIR_MODE })
  writeFileSync(fileOf(runDir, rec.pid), JSON.stringify(rec), { mode: PRIVATE_FILE_MODE })
}

export function removeEngineRecord(runDir: string, pid: number): void {
  rmSync(fileOf(runDir, pid), { force: true })
}

/** Every readable record; a damaged one (half written at a crash) is dropped, it cannot be acted on. */
export async function readEngineRecords(runDir: string): Promise<EngineRecord[]> {
  let names: string[]
  try {
    names = await fs.readdir(runDir)
  } catch {
    return []
  }
  const out: EngineRecord[] = []
  for (const name of names.filter((n) => /^engine-\d+\.json$/.test(n)).sort()) {
    const file = path.join(runDir, name)
    try {
      const rec = JSON.parse(await fs.readFile(file, 'utf8')) as EngineRecord
      if (Number.isInteger(rec.pid) && Number.isInteger(rec.ownerPid) && typeof rec.hostname === 'string') out.push(rec)
      else await fs.rm(file, { force: true })
    } catch {
      await fs.rm(file, { force: true })
    }
  }
  return out
}
