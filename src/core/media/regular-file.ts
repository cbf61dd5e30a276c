import { constants, promises as fs } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'

export type OpenedFile = { ok: true; handle: FileHandle; size: number }
export type FileRefusal = {
  ok: false
  status: 403 | 404
  /** missing: not there; directory / not-a-file: there but not a regular file; denied: unreadable */
  reason: 'missing' | 'directory' | 'not-a-file' | 'denied'
  message: string
}

/**
 * O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, holding one of libuv's
 * four pool threads; four such requests stalled every file operation of the process. Windows has
 * no such flag (and no FIFOs a path can name).
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/**
 * Open a file for serving, once: only a regular file is accepted, and every failure becomes a
 * 404 (not there) or 403 (there, but not a readable regular file) instead of a stream error.
 * Callers stream from the returned handle (never from the path again), so a file swapped for a
 * FIFO or a folder after the check is still refused. The caller owns the handle.
 */
export async function openRegularFile(file: string): Promise<OpenedFile | FileRefusal> {
  // checked before opening, so a device or FIFO is never even opened
  const before = await fs.stat(file).catch((err: unknown) => err as NodeJS.ErrnoException)
  if (before instanceof Error) return refusal(before)
  if (before.isDirectory()) return { ...notRegular, reason: 'directory' }
  if (!before.isFile()) return notRegular
  let handle: FileHandle
  try {
    handle = await fs.open(file, OPEN_FLAGS)
  } catch (err) {
    return refusal(err as NodeJS.ErrnoException)
  }
  try {
    const st = await handle.stat()
    if (st.isFile()) return { ok: true, handle, size: st.size }
  } catch {
    // fall through: an fd we cannot stat is not served
  }
  await handle.close().catch(() => undefined)
  return notRegular
}

const notRegular: FileRefusal = { ok: false, status: 403, reason: 'not-a-file', message: 'The media is not a regular file' }

function refusal(err: NodeJS.ErrnoException): FileRefusal {
  if (err.code === 'EACCES' || err.code === 'EPERM')
    return { ok: false, status: 403, reason: 'denied', message: 'The media file cannot be read (permission denied)' }
  return { ok: false, status: 404, reason: 'missing', message: 'The media file is no longer there' }
}

/** A single `Range: bytes=…` header against a file of `size` bytes; null = send it all. */
export function byteRange(
  header: string | null | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '')
  if (!m || (!m[1] && !m[2])) return null
  const start = m[1] ? Number(m[1]) : Math.max(0, size - Number(m[2]))
  const end = m[1] && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}

export function mediaTypeOf(file: string): string {
  return mediaTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

export interface MediaReply {
  status: 200 | 206 | 403 | 404 | 416
  headers: Record<string, string>
  /** the bytes to send (200/206), or a JSON error envelope (403/404); null for 416 */
  body: Readable | string | null
}

/**
 * Everything a server needs to answer a media request: status, headers and a stream that reads
 * from the one handle opened (closed when the stream ends, fails or is destroyed).
 */
export async function mediaReply(file: string, rangeHeader: string | null | undefined): Promise<MediaReply> {
  const opened = await openRegularFile(file)
  if (!opened.ok) {
    return {
      status: opened.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify({
        ok: false,
        error: { code: opened.status === 404 ? 'not-found' : 'forbidden', message: opened.message },
      }),
    }
  }
  const { handle, size } = opened
  const type = mediaTypeOf(file)
  const range = byteRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    await handle.close().catch(() => undefined)
    return { status: 416, headers: { 'content-range': `bytes */${size}` }, body: null }
  }
  if (range) {
    return {
      status: 206,
      headers: {
        'content-type': type,
        'accept-ranges': 'bytes',
        'content-range': `bytes ${range.start}-${range.end}/${size}`,
        'content-length': String(range.end - range.start + 1),
      },
      body: handle.createReadStream({ start: range.start, end: range.end }),
    }
  }
  return {
    status: 200,
    headers: { 'content-type': type, 'accept-ranges': 'bytes', 'content-length': String(size) },
    body: handle.createReadStream(),
  }
}

/**
 * The same as a web `Response`, for the Electron media protocol (`protocol.handle` wants one):
 * `return await mediaFileResponse(ready.transcripts.mediaPath(id), request.headers)`.
 */
export async function mediaFileResponse(file: string, headers: Headers): Promise<Response> {
  const r = await mediaReply(file, headers.get('range'))
  const body = r.body instanceof Readable ? (Readable.toWeb(r.body) as ReadableStream<Uint8Array>) : r.body
  return new Response(body, { status: r.status, headers: r.headers })
}

const mediaTypes: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
}

/** The media file extensions the app knows (lower case, with the dot); watch folders take these. */
export const mediaExtensions: readonly string[] = Object.keys(mediaTypes)

/**
 * The extension for a media type a server sent ("audio/mpeg; charset=…" → ".mp3"), from the same
 * list; null for a type the list does not know.
 */
export function mediaExtensionOfType(contentType: string): string | null {
  const type = contentType.split(';')[0]!.trim().toLowerCase()
  const found = Object.entries(mediaTypes).find(([, t]) => t === type)
  return found ? found[0] : null
}
