import { readFileSync } from 'node:fs'
import { atomicWrite } from '../core/store/safe-json-file'

export interface Bounds {
  x?: number
  y?: number
  width: number
  height: number
  maximized?: boolean
}

export const DEFAULT_BOUNDS: Bounds = { width: 1200, height: 820 }

/**
 * The window's last size and position, kept in window-state.json beside db.json. A position
 * on a display that is no longer attached is dropped, so the window never opens off-screen.
 */
export function loadBounds(file: string, displays: { x: number; y: number; width: number; height: number }[]): Bounds {
  let saved: Bounds
  try {
    saved = JSON.parse(readFileSync(file, 'utf8')) as Bounds
  } catch {
    return DEFAULT_BOUNDS
  }
  if (!(saved.width >= 400 && saved.height >= 300)) return DEFAULT_BOUNDS
  const { x, y } = saved
  const visible =
    x !== undefined &&
    y !== undefined &&
    displays.some((d) => x >= d.x - 50 && y >= d.y - 50 && x < d.x + d.width - 100 && y < d.y + d.height - 100)
  return visible ? saved : { width: saved.width, height: saved.height, maximized: saved.maximized ?? false }
}

export async function saveBounds(file: string, b: Bounds): Promise<void> {
  await atomicWrite(file, JSON.stringify(b))
}

/** Media files named on a command line (a second launch, "Open with…"). */
export function mediaFilesFromArgv(argv: string[]): string[] {
  return argv.slice(1).filter((a) => !a.startsWith('-') && /\.(mp4|mkv|webm|mov|avi|mp3|m4a|aac|wav|flac|ogg|opus)$/i.test(a))
}
