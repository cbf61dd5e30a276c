import { accessSync, constants } from 'node:fs'
import path from 'node:path'

/**
 * yt-dlp's executable: MP4TOTEXT_YTDLP when set (a path that is not there means "not installed",
 * so a test or a user can turn it off), else the first on PATH. null: not installed.
 */
export function findYtDlp(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  const runnable = (p: string) => {
    try {
      accessSync(p, platform === 'win32' ? constants.F_OK : constants.X_OK)
      return true
    } catch {
      return false
    }
  }
  if (env.MP4TOTEXT_YTDLP !== undefined) return env.MP4TOTEXT_YTDLP && runnable(env.MP4TOTEXT_YTDLP) ? env.MP4TOTEXT_YTDLP : null
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean)
  const names = platform === 'win32' ? ['yt-dlp.exe', 'yt-dlp.cmd', 'yt-dlp'] : ['yt-dlp']
  for (const dir of dirs) for (const name of names) if (runnable(path.join(dir, name))) return path.join(dir, name)
  return null
}

/** How yt-dlp is installed on this operating system, with its own package manager. */
export function ytDlpInstallCommand(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'brew install yt-dlp'
  if (platform === 'win32') return 'winget install yt-dlp.yt-dlp'
  return 'sudo apt install yt-dlp'
}

const PROGRESS = 'mp4totext-progress'
const TITLE = 'mp4totext-title'
const FILE = 'mp4totext-file'

/**
 * The arguments of one fetch: this app's flags only (the user's yt-dlp config is ignored, yt-dlp
 * never updates itself from here), one item (not a playlist), audio where the site offers it
 * alone (all a transcript needs, and far less to download), progress and the result as lines
 * this module reads.
 */
export function ytDlpArgs(url: string, outTemplate: string, maxBytes: number): string[] {
  return [
    '--ignore-config',
    '--no-update',
    '--no-playlist',
    '--no-colors',
    '--newline',
    '--progress',
    '--format',
    'bestaudio/best',
    '--max-filesize',
    String(maxBytes),
    '--output',
    outTemplate,
    '--progress-template',
    `download:${PROGRESS} %(progress.downloaded_bytes)s %(progress.total_bytes)s %(progress.total_bytes_estimate)s`,
    '--print',
    `after_move:${TITLE} %(title)s`,
    '--print',
    `after_move:${FILE} %(filepath)s`,
    '--',
    url,
  ]
}

export type YtDlpLine =
  | { kind: 'progress'; receivedBytes: number; totalBytes: number | null }
  | { kind: 'title'; title: string }
  | { kind: 'file'; file: string }
  | { kind: 'other'; text: string }

/** One line of yt-dlp's output (see ytDlpArgs): progress ("NA" where a size is not known), title, file. */
export function parseYtDlpLine(line: string): YtDlpLine {
  const num = (s: string | undefined) => (s !== undefined && /^\d+(\.\d+)?$/.test(s) ? Math.round(Number(s)) : null)
  if (line.startsWith(`${PROGRESS} `)) {
    const [, got, total, estimate] = line.split(' ')
    return { kind: 'progress', receivedBytes: num(got) ?? 0, totalBytes: num(total) ?? num(estimate) }
  }
  if (line.startsWith(`${TITLE} `)) return { kind: 'title', title: line.slice(TITLE.length + 1) }
  if (line.startsWith(`${FILE} `)) return { kind: 'file', file: line.slice(FILE.length + 1) }
  return { kind: 'other', text: line }
}

/** Why yt-dlp failed, from what it printed: the site's HTTP status, a page without media, the size limit. */
export type YtDlpFailure =
  { kind: 'not-found' } | { kind: 'not-media' } | { kind: 'too-big' } | { kind: 'refused'; detail: string }

export function classifyYtDlpFailure(output: string): YtDlpFailure {
  if (/larger than max-filesize/i.test(output)) return { kind: 'too-big' }
  if (/HTTP Error 404|HTTP Error 410/i.test(output)) return { kind: 'not-found' }
  if (/Unsupported URL|No video formats found|Requested format is not available|no suitable formats/i.test(output))
    return { kind: 'not-media' }
  const errors = output.split('\n').filter((l) => l.startsWith('ERROR:'))
  const last = (errors[errors.length - 1] ?? output.trim().split('\n').pop() ?? 'yt-dlp failed').replace(/^ERROR:\s*/, '')
  // yt-dlp's advice to report the issue to it is not the user's business here
  return { kind: 'refused', detail: last.replace(/;\s*please report this issue.*$/is, '').slice(0, 300) }
}
