import { existsSync } from 'node:fs'
import path from 'node:path'

/** Names Windows keeps for devices, with or without an extension. */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i
/** Characters no file name may hold on one of the systems the app runs on, and control characters. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g
/** Room for " (99)" and an extension inside the 255 bytes every file system allows. */
const MAX_BYTES = 200

/**
 * A title as a file name on every system: letters of any script and dots inside stay ("Ayşe'nin
 * konuşması v2.1"), separators and reserved characters become spaces, no leading dot (hidden) or
 * trailing dot or space (Windows drops them), no device name, at most 200 bytes of UTF-8 cut on a
 * whole character. Empty after that: `fallback`.
 */
export function safeFileName(title: string, fallback = 'download'): string {
  let name = title.normalize('NFC').replace(FORBIDDEN, ' ').replace(/\s+/g, ' ').trim()
  name = name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '')
  let bytes = 0
  let cut = ''
  for (const ch of name) {
    bytes += Buffer.byteLength(ch)
    if (bytes > MAX_BYTES) break
    cut += ch
  }
  name = cut.replace(/[.\s]+$/, '')
  if (!name) return fallback
  return RESERVED.test(name) ? `${name}_` : name
}

/** `dir/name.ext`, else `dir/name (2).ext`, … : an existing file is never replaced. */
export function freePath(dir: string, name: string, ext: string, exists: (p: string) => boolean = existsSync): string {
  for (let n = 1; ; n++) {
    const p = path.join(dir, `${name}${n === 1 ? '' : ` (${n})`}${ext}`)
    if (!exists(p)) return p
  }
}
