import { accessSync, chmodSync, constants, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { keyedError } from '../../shared/errors'

const require = createRequire(import.meta.url)
let cached: string | null = null

/**
 * The bundled ffmpeg (from @ffmpeg-installer, which ships the binary inside its tarball). npm 11
 * skips that package's own `chmod u+x` install script, so the exec bit is restored here; in a
 * packaged app the binary lives in app.asar.unpacked.
 */
export function ffmpegPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MP4TOTEXT_FFMPEG) return env.MP4TOTEXT_FFMPEG
  if (cached) return cached
  let p: string
  try {
    p = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path
  } catch (err) {
    throw keyedError(
      'internal',
      'app-incomplete',
      { part: 'ffmpeg' },
      `The bundled ffmpeg is missing for ${process.platform}-${process.arch} (${(err as Error).message}). Reinstall the app.`,
    )
  }
  p = unpackedPath(p)
  if (!existsSync(p))
    throw keyedError(
      'internal',
      'app-incomplete',
      { part: 'ffmpeg' },
      `The bundled ffmpeg was not found at ${p}. Reinstall the app.`,
    )
  if (process.platform !== 'win32') {
    try {
      accessSync(p, constants.X_OK)
    } catch {
      chmodSync(p, 0o755)
    }
  }
  cached = p
  return p
}

/** Inside a packaged app a binary cannot run from app.asar: electron-builder's asarUnpack puts it beside. */
export function unpackedPath(p: string): string {
  return p.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')
}
