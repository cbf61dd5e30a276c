import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { MINI, writeGgmlModel } from './ggml-model'

const cacheDir = path.resolve(import.meta.dirname, '../../.cache/test-models')

/** The small random-weight model, generated once per machine and copied into a data dir. */
export async function installMiniModel(dataDir: string): Promise<string> {
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
  return 'mini-test'
}
