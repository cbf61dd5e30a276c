import { promises as fs } from 'node:fs'
import path from 'node:path'

/** Files in the data folder are the user's alone (POSIX; Windows ignores the mode). */
export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

/** How many earlier good versions of db.json are kept beside it, newest first. */
export const BACKUPS_KEPT = 3

export const backupPaths = (file: string): string[] => Array.from({ length: BACKUPS_KEPT }, (_, i) => `${file}.bak-${i + 1}`)

/**
 * db.json on disk. A write is one rename of a complete, fsynced temp file: before it nothing
 * changed, after it the write happened — nothing after the rename can fail the write, so an
 * error reported to the caller always means the file was left as it was. The version being
 * replaced is kept first as `db.json.bak-1` (older ones shift to -2, -3): rotating backups hold
 * earlier good versions, never a copy of the current file.
 */
export class SafeJsonFile {
  readonly backups: string[]

  constructor(readonly filePath: string) {
    this.backups = backupPaths(filePath)
  }

  read(): Promise<string | null> {
    return readIfExists(this.filePath)
  }

  /** `beforeReplace` runs right before the rename and may refuse it by throwing. */
  async write(text: string, beforeReplace?: () => Promise<void> | undefined): Promise<void> {
    const tmp = await writeTemp(this.filePath, text)
    try {
      await this.rotateBackups()
      await beforeReplace?.()
      await fs.rename(tmp, this.filePath)
    } catch (err) {
      await fs.rm(tmp, { force: true })
      throw err
    }
    await syncFolder(path.dirname(this.filePath))
  }

  /** Best effort: a full disk or an odd file in the way must not stop the real write. */
  private async rotateBackups(): Promise<void> {
    try {
      for (let i = this.backups.length - 1; i > 0; i--) {
        await fs.rename(this.backups[i - 1]!, this.backups[i]!).catch(ignoreMissing)
      }
      // a hard link costs no space and no copy; where links are not supported, copy
      await fs.link(this.filePath, this.backups[0]!).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return
        await fs.copyFile(this.filePath, this.backups[0]!)
      })
    } catch {
      // the backups are a convenience; db.json itself is what must be right
    }
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err
}

/**
 * Remove temp copies of `file` whose writer is gone (killed mid-write: `kill -9`, a crash, power
 * loss). Each temp name carries its writer's pid; a live writer's copy is left to it.
 */
export async function removeDeadWritersTemps(file: string): Promise<void> {
  await removeTemps(path.dirname(file), `${path.basename(file)}.tmp-`)
}

/** The same for every file in `dir` (a folder of one file per record). */
export async function removeDeadWritersTempsIn(dir: string): Promise<void> {
  await removeTemps(dir, '')
}

/**
 * A writer writes its temp copy and renames it within moments: one untouched for this long, under
 * a pid that is alive, is a dead writer's whose pid another process has since taken (a reboot).
 */
const LIVE_TEMP_MS = 10 * 60_000

/** How many temp copies in `dir` a live writer (another process) is writing now. */
export async function liveWritersTemps(dir: string): Promise<number> {
  let live = 0
  for (const t of await tempsIn(dir, '')) {
    if (t.pid === process.pid || !isAlive(t.pid)) continue
    const st = await fs.stat(path.join(dir, t.name)).catch(() => null)
    if (st && Date.now() - st.mtimeMs < LIVE_TEMP_MS) live++
  }
  return live
}

async function removeTemps(dir: string, prefix: string): Promise<void> {
  for (const t of await tempsIn(dir, prefix)) {
    // a live writer (this one included) keeps its copy
    if (t.pid === process.pid || isAlive(t.pid)) continue
    await fs.rm(path.join(dir, t.name), { force: true }).catch(() => undefined)
  }
}

/** The temp copies (`<name>.tmp-<pid>-…`) in `dir` whose name starts with `prefix`; a name without a pid is not ours to judge. */
async function tempsIn(dir: string, prefix: string): Promise<{ name: string; pid: number }[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[])
  const temps: { name: string; pid: number }[] = []
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(/\.tmp-(\d+)-/.exec(name)?.[1])
    if (Number.isInteger(pid) && pid > 0) temps.push({ name, pid })
  }
  return temps
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: alive, another user's
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** Write `text` to a fresh private temp file beside `file` and fsync it; returns its path. */
async function writeTemp(file: string, text: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE })
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
  const handle = await fs.open(tmp, 'w', PRIVATE_FILE_MODE)
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
    await handle.close()
  } catch (err) {
    await handle.close().catch(() => undefined)
    await fs.rm(tmp, { force: true })
    throw err
  }
  return tmp
}

/**
 * Replace `file` with `text` all at once: readers see the old file or the new one, never half.
 * `beforeReplace` runs right before the rename and may refuse it by throwing.
 */
export async function atomicWrite(file: string, text: string, beforeReplace?: () => Promise<void>): Promise<void> {
  const tmp = await writeTemp(file, text)
  try {
    await beforeReplace?.()
    await fs.rename(tmp, file)
  } catch (err) {
    await fs.rm(tmp, { force: true })
    throw err
  }
  await syncFolder(path.dirname(file))
}

/**
 * A rename is an entry in the folder, on disk only once the folder is: without this a power cut
 * soon after can bring back the old file, while what was done after it (a charge committed)
 * stands. Windows cannot open a folder to sync it (and its rename is journaled by NTFS): skipped.
 * It cannot fail the write: the file is already replaced, and an error must mean it was not.
 */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await fs.open(dir, 'r').catch(() => null)
  await handle
    ?.sync()
    .catch(() => undefined)
    .finally(() => handle.close().catch(() => undefined))
}
