import { existsSync, mkdirSync, renameSync } from 'node:fs'
import path from 'node:path'
import { TINY, writeGgmlModel } from '../tests/helpers/ggml-model'

const root = path.resolve(import.meta.dirname, '..')

/**
 * whisper tiny's real shapes with random weights; the decoder ends every window at once, so the
 * time measured is the encoder's — generated once per machine, shared by the benchmarks.
 */
export async function timingModel(): Promise<string> {
  const file = path.join(root, '.cache', 'bench-models', 'ggml-tiny-timing.bin')
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true })
    console.log('generating the timing model (once)…')
    await writeGgmlModel(`${file}.tmp`, { ...TINY, decoderEndsAtOnce: true })
    renameSync(`${file}.tmp`, file)
  }
  return file
}
