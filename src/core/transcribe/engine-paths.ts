import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { AppError } from '../../shared/errors'

const exe = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name)

/**
 * Where whisper-server is: MP4TOTEXT_WHISPER_SERVER, the packaged app's resources
 * (resources/engine/<platform>-<arch>), or engine/<platform>-<arch> in a checkout.
 */
export function whisperServerPath(opts: { resourcesDir?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env
  if (env.MP4TOTEXT_WHISPER_SERVER) return env.MP4TOTEXT_WHISPER_SERVER
  const platform = `${process.platform}-${process.arch}`
  const candidates: string[] = []
  if (opts.resourcesDir) candidates.push(path.join(opts.resourcesDir, 'engine', platform, exe('whisper-server')))
  // a checkout: walk up from this module (src/core/transcribe, or out/main when bundled)
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    candidates.push(path.join(dir, 'engine', platform, exe('whisper-server')))
    dir = path.dirname(dir)
  }
  const found = candidates.find((c) => existsSync(c))
  if (!found) {
    throw new AppError(
      'internal',
      'The transcription engine (whisper.cpp) is not built. Install CMake and a C++ compiler, then run "npm run build:engine".',
    )
  }
  return found
}
