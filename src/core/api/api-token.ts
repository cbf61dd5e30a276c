import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { PRIVATE_FILE_MODE } from '../store/safe-json-file'

/** The file in the data folder that holds the API's bearer token (never db.json: that is backed up and shared). */
export const API_TOKEN_FILE = 'api-token'

const TOKEN_SHAPE = /^mp4t_[A-Za-z0-9_-]{43}$/

/**
 * The data folder's API token, made on first use. Every process on the folder (the app, a
 * `mp4totext serve`) reads the same one, so a tool set up once keeps working; it is written whole
 * under a temporary name and linked into place, so two processes starting at once agree on one.
 */
export async function apiToken(dataDir: string): Promise<string> {
  const file = path.join(dataDir, API_TOKEN_FILE)
  const existing = await readToken(file)
  if (existing) return existing
  const token = `mp4t_${randomBytes(32).toString('base64url')}`
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await fs.writeFile(temp, `${token}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  try {
    await fs.link(temp, file)
    return token
  } catch (err) {
    // another process made it first: theirs is the one
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    const theirs = await readToken(file)
    if (!theirs) throw new Error(`${file} does not hold an API token; remove it and a new one is made`, { cause: err })
    return theirs
  } finally {
    await fs.rm(temp, { force: true })
  }
}

async function readToken(file: string): Promise<string | null> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null
    throw err
  })
  if (text === null) return null
  const token = text.trim()
  if (!TOKEN_SHAPE.test(token)) throw new Error(`${file} does not hold an API token; remove it and a new one is made`)
  // a copy made with other permissions (a restore, a sync tool) is made private again
  await fs.chmod(file, PRIVATE_FILE_MODE).catch(() => undefined)
  return token
}
