import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { createInitialDb } from '../../src/core/initial-db'
import { Store } from '../../src/core/store/store'
import { MINI, writeGgmlModel } from './ggml-model'

const cacheDir = path.resolve(import.meta.dirname, '../../.cache/test-models')

/**
 * The small random-weight model, generated once per machine and copied into a data dir.
 * Speech detection is turned off in that data dir unless asked for: the test media are tones and
 * noise, in which Silero (rightly) hears no speech, and these tests are about the engine and the
 * media. Speech detection has tests of its own, with real speech.
 */
export async function installMiniModel(dataDir: string, opts: { vad?: boolean } = {}): Promise<string> {
  const cached = path.join(cacheDir, 'ggml-mini-test.bin')
  if (!existsSync(cached)) {
    mkdirSync(cacheDir, { recursive: true })
    await writeGgmlModel(`${cached}.tmp`, MINI)
    const { renameSync } = await import('node:fs')
    renameSync(`${cached}.tmp`, cached)
  }
  const target = path.join(dataDir, 'models', 'ggml-mini-test.bin')
  mkdirSync(path.dirname(target), { recursive: true })
  copyFileSync(cached, target)
  const store = await Store.open(dataDir, createInitialDb)
  await store.mutate((db) => {
    db.settings.vadEnabled = opts.vad ?? false
  })
  return 'mini-test'
}
