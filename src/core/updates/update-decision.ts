import type { UpdateInfo } from 'electron-updater'
import { parseUpdateInfo } from 'electron-updater/out/providers/Provider'
import { AppError, keyedError } from '../../shared/errors'

/** What the app is doing that an update must not interrupt. */
export interface BusyState {
  recordings: number
  transcriptions: number
}

export type UpdateAction = 'none' | 'available' | 'download-and-install-on-quit'

/** Where the desktop app's updates come from (electron-updater in the Electron shell). */
export interface UpdateSource {
  /** the feed's latest release (null: none published) */
  latest(): Promise<UpdateInfo | null>
  /** fetch it (verified against the feed's SHA-512) and install it when the app quits */
  downloadAndInstallOnQuit(): Promise<void>
}

/**
 * The feed electron-builder publishes beside each release, per platform (electron-updater reads
 * the same names): latest.yml (Windows), latest-mac.yml, latest-linux.yml (arm64: latest-linux-arm64.yml).
 */
export function channelFileName(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  if (platform === 'darwin') return 'latest-mac.yml'
  if (platform === 'linux') return arch === 'arm64' ? 'latest-linux-arm64.yml' : 'latest-linux.yml'
  return 'latest.yml'
}

/**
 * A feed's text as electron-updater reads it (its own parser), checked for what an install needs:
 * a version, and for every file a SHA-512 (the updater verifies the download against it; a feed
 * without one is refused rather than trusted).
 */
export function parseFeed(text: string, feedUrl: string): UpdateInfo {
  let info: UpdateInfo
  try {
    info = parseUpdateInfo(text, feedUrl.split('/').pop() ?? 'latest.yml', new URL(feedUrl))
  } catch (err) {
    const detail = (err as Error).message.split('\n')[0] ?? ''
    throw keyedError(
      'provider-error',
      'update-feed-unreadable',
      { detail },
      `The update feed ${feedUrl} could not be read: ${detail}`,
    )
  }
  if (!info || typeof info !== 'object' || typeof info.version !== 'string' || !parseVersion(info.version))
    throw keyedError('provider-error', 'update-feed-invalid', {}, `The update feed ${feedUrl} names no version`)
  const files = info.files?.length ? info.files : info.path ? [{ url: info.path, sha512: info.sha512 }] : []
  if (files.length === 0 || files.some((f) => typeof f.sha512 !== 'string' || f.sha512.length < 64))
    throw keyedError('provider-error', 'update-feed-invalid', {}, `The update feed ${feedUrl} lists a file without its SHA-512`)
  return info
}

type Version = { core: [number, number, number]; pre: string[] }

function parseVersion(v: string): Version | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim())
  if (!m) return null
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] }
}

/** Semantic versions compared (a pre-release before its release, "1.2.0-beta.2" < "1.2.0-beta.10" < "1.2.0"). */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a)
  const y = parseVersion(b)
  if (!x || !y) throw new AppError('invalid-input', `Not a version: ${!x ? a : b}`)
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i]! < y.core[i]! ? -1 : 1
  if (!x.pre.length || !y.pre.length) return x.pre.length === y.pre.length ? 0 : x.pre.length ? -1 : 1
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]
    const q = y.pre[i]
    if (p === undefined) return -1
    if (q === undefined) return 1
    if (p === q) continue
    const pn = /^\d+$/.test(p)
    const qn = /^\d+$/.test(q)
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1
    if (pn !== qn) return pn ? -1 : 1
    return p < q ? -1 : 1
  }
  return 0
}

/**
 * What to do with a feed: nothing (not newer), tell (newer, but a recording or a transcription is
 * running: its files are never swapped under it), or download it now and install it when the
 * user quits. Pure, so it is tested without Electron.
 */
export function decideUpdate(current: string, feed: UpdateInfo, busy: BusyState): UpdateAction {
  if (compareVersions(feed.version, current) <= 0) return 'none'
  if (busy.recordings > 0 || busy.transcriptions > 0) return 'available'
  return 'download-and-install-on-quit'
}
