import { randomBytes } from 'node:crypto'
import { createWriteStream, promises as fs } from 'node:fs'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError, keyedError, type ErrorDetail } from '../../shared/errors'
import { sanitizeFileName } from '../transcribe/exports'

/**
 * The one home of uploaded media (the web host's way to hand a file to the core, since a browser
 * cannot share a path): `<data>/uploads/<id>/<name>`, one fresh folder per upload, so removing an
 * upload is removing that folder and nothing else.
 */

/** The documented cap of one upload. */
export const MAX_UPLOAD_BYTES = 20 * 1024 ** 3
/** Kept free on the disk after an upload, so a big file cannot starve db.json's next write. */
export const DISK_RESERVE_BYTES = 256 * 1024 ** 2
/** While streaming, free space is checked again after every this many bytes. */
const RECHECK_EVERY_BYTES = 64 * 1024 ** 2

/** New per-upload folders: 16 hex digits. Older or hand-made ones: a short id without dots. */
const FOLDER_ID = /^[A-Za-z0-9_-]{1,64}$/
/** Before per-upload folders were enforced, `name=.` stored the file itself as uploads/<16 hex>. */
const LEGACY_FILE_ID = /^[0-9a-f]{16}$/

/** the data folder's subfolder that received files live in */
const UPLOADS_FOLDER = 'uploads'

export function uploadsDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), UPLOADS_FOLDER)
}

export interface UploadLimits {
  maxBytes: number
  reserveBytes: number
  /** bytes free for an unprivileged writer on the disk holding `dir`; tests simulate a full disk */
  freeBytes: (dir: string) => Promise<number>
}

export async function freeDiskBytes(dir: string): Promise<number> {
  const s = await fs.statfs(dir)
  return s.bavail * s.bsize
}

export const defaultUploadLimits: UploadLimits = {
  maxBytes: MAX_UPLOAD_BYTES,
  reserveBytes: DISK_RESERVE_BYTES,
  freeBytes: freeDiskBytes,
}

/** An upload refused for its size (413) or for lack of disk space (507); the page words it from its key. */
export class UploadRefused extends AppError {
  constructor(
    readonly httpStatus: 413 | 507,
    message: string,
    detail: ErrorDetail<'upload-too-large'> | ErrorDetail<'upload-no-room'> | ErrorDetail<'upload-disk-full'>,
  ) {
    super('invalid-input', message, detail as ErrorDetail)
  }
}

/** LRM, RLM, ALM, the embeddings and overrides (LRE…RLO) and the isolates (LRI…PDI) */
const BIDI_CONTROLS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g

/**
 * A file name that cannot leave its folder and that every OS accepts, kept readable: unicode and
 * inner dots stay ("Toplantı 2025.11.03.mp4"). A name that is empty, only dots or spaces, or
 * carries a separator, NUL or another control character is not trusted at all: it becomes
 * "upload" plus its extension. Bidirectional controls are dropped: an override makes a name read
 * differently from what it is ("rapor<RLO>4pm.exe" shows as "raporexe.mp4").
 */
export function safeUploadName(name: string): string {
  const n = name.normalize('NFC').replace(BIDI_CONTROLS, '')
  const extMatch = /\.[A-Za-z0-9]{1,10}$/.exec(n)
  const ext = extMatch ? extMatch[0] : ''
  const stem = n.slice(0, n.length - ext.length)
  // eslint-disable-next-line no-control-regex -- separators and control characters are what this refuses
  if (/[/\\\x00-\x1f\x7f]/.test(n) || /^[. ]*$/.test(stem)) return `upload${ext}`
  // sanitizeFileName drops the extension, so the stem is given one to drop
  let safe = sanitizeFileName(`${stem}.x`)
  // most file systems allow 255 bytes per name; Turkish letters take 2 in UTF-8
  const chars = [...safe]
  while (Buffer.byteLength(chars.join('') + ext) > 200) chars.pop()
  safe = chars.join('').replace(/[. ]+$/, '') || 'upload'
  return safe + ext
}

/**
 * Receive one upload into a fresh folder under uploads/. Too big (declared or streamed) is a 413,
 * too little disk space a 507; a failed upload removes its own folder — the variable below, never
 * a path derived from the name.
 */
export async function saveUpload(
  dataDir: string,
  name: string,
  body: Readable,
  opts: { declaredBytes?: number | null; limits?: Partial<UploadLimits> } = {},
): Promise<string> {
  const limits = { ...defaultUploadLimits, ...opts.limits }
  const declared = opts.declaredBytes ?? null
  if (declared !== null && declared > limits.maxBytes) throw tooLarge(limits.maxBytes)
  const dir = uploadsDir(dataDir)
  await fs.mkdir(dir, { recursive: true })
  await ensureRoom(dir, declared ?? 0, limits)
  // not recursive: it fails rather than reuse an existing folder
  const folder = path.join(dir, randomBytes(8).toString('hex'))
  await fs.mkdir(folder, { mode: 0o700 })
  const target = path.join(folder, safeUploadName(name))
  let size = 0
  let sinceCheck = 0
  try {
    if (path.dirname(target) !== folder) throw new Error('unsafe file name') // safeUploadName rules this out
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length
        if (size > limits.maxBytes) return cb(tooLarge(limits.maxBytes))
        sinceCheck += chunk.length
        if (sinceCheck < RECHECK_EVERY_BYTES) return cb(null, chunk)
        sinceCheck = 0
        ensureRoom(dir, 0, limits).then(
          () => cb(null, chunk),
          (err: unknown) => cb(err as Error),
        )
      },
    })
    const written = pipeline(counter, createWriteStream(target, { flags: 'wx', mode: 0o600 }))
    // piped, not part of the pipeline: a refused upload must not destroy the request, or the
    // client would see a reset instead of the answer (the caller drains what is left)
    body.pipe(counter)
    body.once('error', (err) => counter.destroy(err))
    body.once('close', () => {
      if (!body.readableEnded) counter.destroy(new Error('the upload was interrupted'))
    })
    await written
    return target
  } catch (err) {
    await fs.rm(folder, { recursive: true, force: true })
    if (err instanceof UploadRefused) throw err
    // the free-space check cannot see other writers: the disk may still fill up under us
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
      throw new UploadRefused(507, `The disk of ${dir} is full; the upload was removed. Free some space and try again.`, {
        key: 'upload-disk-full',
        params: { dir },
      })
    throw keyedError(
      'invalid-input',
      'upload-failed',
      { detail: (err as Error).message },
      `Upload failed: ${(err as Error).message}`,
    )
  }
}

function tooLarge(max: number): UploadRefused {
  return new UploadRefused(413, `The file is larger than ${formatBytes(max)}, the most the web host accepts in one upload.`, {
    key: 'upload-too-large',
    params: { limit: formatBytes(max) },
  })
}

async function ensureRoom(dir: string, bytes: number, limits: UploadLimits): Promise<void> {
  const free = await limits.freeBytes(dir)
  if (free >= bytes + limits.reserveBytes) return
  throw new UploadRefused(
    507,
    `Not enough free disk space for this upload: ${formatBytes(free)} free on the disk of ${dir}, ` +
      `${formatBytes(bytes + limits.reserveBytes)} needed (the file plus ${formatBytes(limits.reserveBytes)} kept free). ` +
      'Free some space or use a smaller file.',
    {
      key: 'upload-no-room',
      params: {
        free: formatBytes(free),
        need: formatBytes(bytes + limits.reserveBytes),
        reserve: formatBytes(limits.reserveBytes),
        dir,
      },
    },
  )
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`
}

/** The jobs and transcripts of db.json, as far as uploads care. */
/** What may play from or run on an upload (the library database's jobs and transcripts). */
export interface UploadUsers {
  /** transcripts' media paths, and the files of jobs not done, that contain `word` */
  mediaPathsContaining(word: string): string[]
}

/**
 * The id of the upload a media path lies in, read from the path's shape alone (`…/uploads/<id>/<file>`,
 * or an old `…/uploads/<16 hex>`). Used to decide what is still needed, so a spelling of the data
 * folder that differs from today's (a symlink, another case) can only keep an upload, never lose one.
 */
function uploadIdIn(mediaPath: string): string | null {
  const p = path.resolve(mediaPath)
  const parent = path.dirname(p)
  if (path.basename(path.dirname(parent)) === UPLOADS_FOLDER && FOLDER_ID.test(path.basename(parent)))
    return path.basename(parent)
  if (path.basename(parent) === UPLOADS_FOLDER && LEGACY_FILE_ID.test(path.basename(p))) return path.basename(p)
  return null
}

/**
 * Uploads still needed: any a transcript plays from, and any of a job that has not finished
 * (queued, running, or stopped and retryable). A finished job's file is needed only by its
 * transcript.
 */
function neededUploadIds(db: UploadUsers): Set<string> {
  const ids = new Set<string>()
  const add = (p: string) => {
    const id = uploadIdIn(p)
    if (id) ids.add(id)
  }
  // an upload's path always holds the folder's name: only those paths are read
  for (const p of db.mediaPathsContaining(UPLOADS_FOLDER)) add(p)
  return ids
}

/**
 * The entry under uploads/ that holds `mediaPath`, only if it is one of ours: a real folder
 * exactly one level below uploads/ (or an old upload file straight in uploads/). Anything else —
 * the user's own file, uploads/ itself, a symlink — is null.
 */
async function uploadEntryOf(dataDir: string, mediaPath: string): Promise<{ id: string; entry: string } | null> {
  const dir = uploadsDir(dataDir)
  const p = path.resolve(mediaPath)
  const parent = path.dirname(p)
  const folder = path.dirname(parent) === dir && FOLDER_ID.test(path.basename(parent))
  const legacy = parent === dir && LEGACY_FILE_ID.test(path.basename(p))
  if (!folder && !legacy) return null
  const entry = folder ? parent : p
  const st = await fs.lstat(entry).catch(() => null)
  if (!st || (folder ? !st.isDirectory() : !st.isFile())) return null
  return { id: path.basename(entry), entry }
}

/**
 * After a transcript is deleted or a job removed (already gone from `db`): remove the upload its
 * media was, unless another job or transcript still needs it. A file the user picked from their
 * own disk is never touched. Returns whether something was removed.
 */
export async function removeUploadIfUnused(dataDir: string, mediaPath: string, db: UploadUsers): Promise<boolean> {
  const found = await uploadEntryOf(dataDir, mediaPath)
  if (!found || neededUploadIds(db).has(found.id)) return false
  // a file still open elsewhere (Windows) cannot go yet; the start-up sweep gets it later
  return fs.rm(found.entry, { recursive: true, force: true }).then(
    () => true,
    () => false,
  )
}

/**
 * How long an unreferenced upload is left alone: another process sharing the data folder (the web
 * host next to the app) may be receiving it, or about to queue it.
 */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000

/**
 * At start-up: remove uploads no job or transcript needs (a crash mid-upload, an upload never
 * queued, older versions that never cleaned up) once nothing has been written to them for
 * `graceMs`. Only per-upload entries are considered; other files in uploads/ are left alone.
 * Returns the removed paths; never throws.
 */
export async function sweepOrphanUploads(
  dataDir: string,
  db: UploadUsers,
  opts: { graceMs?: number; now?: number } = {},
): Promise<string[]> {
  const dir = uploadsDir(dataDir)
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => [])
  const needed = neededUploadIds(db)
  const settled = (opts.now ?? Date.now()) - (opts.graceMs ?? ORPHAN_GRACE_MS)
  const removed: string[] = []
  for (const e of entries) {
    const ours = (e.isDirectory() && FOLDER_ID.test(e.name)) || (e.isFile() && LEGACY_FILE_ID.test(e.name))
    if (!ours || needed.has(e.name)) continue
    const full = path.join(dir, e.name)
    try {
      if ((await lastWrite(full)) > settled) continue
      await fs.rm(full, { recursive: true, force: true })
      removed.push(full)
    } catch {
      // in use or already gone: never a reason to fail the start-up; the next one tries again
    }
  }
  return removed
}

/** The newest mtime of an entry and, for a folder, of what it holds (a file being written). */
async function lastWrite(entry: string): Promise<number> {
  const st = await fs.lstat(entry)
  if (!st.isDirectory()) return st.mtimeMs
  const inner = await fs.readdir(entry).catch(() => [])
  const times = await Promise.all(
    inner.map((n) =>
      fs.lstat(path.join(entry, n)).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    ),
  )
  return Math.max(st.mtimeMs, ...times)
}
