import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { Adapter } from 'lowdb'

/**
 * A lowdb adapter that never leaves a half-written db.json: write to a temp file, fsync,
 * rename over the original, then refresh db.json.bak the same way. Reads return raw text so the
 * store decides what is valid (and what to do when it is not).
 */
export class SafeJsonFile implements Adapter<string> {
  readonly backupPath: string
  private queue: Promise<void> = Promise.resolve()

  constructor(readonly filePath: string) {
    this.backupPath = `${filePath}.bak`
  }

  async read(): Promise<string | null> {
    return readIfExists(this.filePath)
  }

  write(text: string): Promise<void> {
    // Serialized: two writes in flight must land in the order they were asked for.
    const next = this.queue.then(async () => {
      await atomicWrite(this.filePath, text)
      await atomicWrite(this.backupPath, text)
    })
    this.queue = next.catch(() => undefined)
    return next
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

export async function atomicWrite(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`
  const handle = await fs.open(tmp, 'w')
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
  } catch (err) {
    await handle.close().catch(() => undefined)
    await fs.rm(tmp, { force: true })
    throw err
  }
  await handle.close()
  try {
    await fs.rename(tmp, file)
  } catch (err) {
    await fs.rm(tmp, { force: true })
    throw err
  }
}
