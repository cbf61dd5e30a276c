import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EngineBackend } from '../../shared/calls/hardware-calls'
import { AppError } from '../../shared/errors'

export const exe = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name)

/** The folder name of an engine build: <platform>-<arch> for the CPU, <platform>-<arch>-<backend> for a GPU one. */
export function engineFolderName(backend: EngineBackend = 'cpu'): string {
  const platform = `${process.platform}-${process.arch}`
  return backend === 'cpu' ? platform : `${platform}-${backend}`
}

/**
 * The folder of one engine build, or null when it is not there: the packaged app's resources
 * (resources/engine/<folder>), or engine/<folder> in a checkout.
 */
export function engineDir(backend: EngineBackend, opts: { resourcesDir?: string } = {}): string | null {
  const folder = engineFolderName(backend)
  const candidates: string[] = []
  if (opts.resourcesDir) candidates.push(path.join(opts.resourcesDir, 'engine', folder))
  // a checkout: walk up from this module (src/core/transcribe, or out/main when bundled)
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    candidates.push(path.join(dir, 'engine', folder))
    dir = path.dirname(dir)
  }
  return candidates.find((c) => existsSync(path.join(c, exe('whisper-server')))) ?? null
}

/**
 * Where whisper-server is: MP4TOTEXT_WHISPER_SERVER (which then names the only engine), else the
 * build of the backend asked for (the CPU one by default).
 */
export function whisperServerPath(
  opts: { resourcesDir?: string; env?: NodeJS.ProcessEnv; backend?: EngineBackend } = {},
): string {
  const env = opts.env ?? process.env
  if (env.MP4TOTEXT_WHISPER_SERVER) return env.MP4TOTEXT_WHISPER_SERVER
  const backend = opts.backend ?? 'cpu'
  const dir = engineDir(backend, opts)
  if (!dir) {
    throw new AppError(
      'internal',
      backend === 'cpu'
        ? 'The transcription engine (whisper.cpp) is not built. Install CMake and a C++ compiler, then run "npm run build:engine".'
        : `The ${backend} build of the transcription engine is not installed (run "npm run build:engine -- --variants=${backend}").`,
    )
  }
  return path.join(dir, exe('whisper-server'))
}
