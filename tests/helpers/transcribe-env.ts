import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { openCore, type Core, type CoreOptions } from '../../src/core/app-core'
import { createInitialDb } from '../../src/core/initial-db'
import type { Job } from '../../src/shared/transcribe-types'
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

/** A core on a fresh data dir with the mini model installed (speech detection as asked). */
export async function openTranscribeCore(
  dir: string,
  opts: { vad?: boolean; core?: Partial<CoreOptions> } = {},
): Promise<{ core: Core; dir: string; model: string }> {
  const model = await installMiniModel(dir, { vad: opts.vad })
  const core = await openCore({
    dataDir: dir,
    shell: 'cli',
    version: 't',
    systemLocale: 'en',
    env: {},
    noFallback: true,
    ...opts.core,
  })
  return { core, dir, model }
}

/** The job once it has stopped moving (done, failed or cancelled). */
export function finished(core: Core, id: string, timeoutMs = 60_000): Promise<Job> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('job did not finish')), timeoutMs)
    const check = (j: Job) => {
      if (j.id === id && ['done', 'failed', 'cancelled'].includes(j.status)) {
        clearTimeout(t)
        off()
        resolve(j)
      }
    }
    const off = core.events.subscribe((name, p) => name === 'transcribe.job' && check(p as Job))
    const now = core.transcription.jobs().find((j) => j.id === id)
    if (now) check(now)
  })
}
