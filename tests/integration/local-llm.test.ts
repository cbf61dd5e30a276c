import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore, type Core, type CoreOptions } from '../../src/core/app-core'
import type { GgufCatalogEntry } from '../../src/core/local-llm/gguf-catalog'
import { LocalLlmEngine } from '../../src/core/local-llm/local-llm-engine'
import { LocalLlmManager } from '../../src/core/local-llm/local-llm-manager'
import { AppError } from '../../src/shared/errors'
import { TINY_GGUF, tinyGgufPath, writeGgufModel, type GgufModelOptions } from '../helpers/gguf-model'
import { useTempDirs } from '../helpers/temp-dir'
import { modelServer } from '../helpers/model-server'

const tempDir = useTempDirs()
const cores: Core[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

async function open(localLlm: CoreOptions['localLlm'] = {}): Promise<Core> {
  const core = await openCore({
    dataDir: tempDir(),
    shell: 'cli',
    version: 't',
    systemLocale: 'en',
    env: {},
    localLlm: { threads: 1, ...localLlm },
  })
  cores.push(core)
  return core
}

/** Words of the tiny model's vocabulary, so a chunk's token estimate matches its real tokens. */
function transcript(sentences: number): string {
  const words = 'bir iki üç dört beş altı yedi sekiz dokuz on ve ile ama için gibi çok az daha'.split(' ')
  return Array.from({ length: sentences }, (_, i) => `${words.slice(i % 7, (i % 7) + 8).join(' ')}.`).join(' ')
}

describe('the built-in LLM engine', () => {
  it('imports a GGUF, offers it free, streams a chunked preset run to the end and charges nothing', async () => {
    const core = await open()
    const models = await core.handlers['localLlm.import']({ path: tinyGgufPath() })
    expect(models.find((m) => m.name === 'tiny')).toMatchObject({ installed: true, downloadable: false })
    const row = core.catalog.get('builtin', 'tiny')
    expect(row).toMatchObject({ credits: 0, free: true, local: true, key: 'builtin/tiny' })
    expect(row.memory?.fits).toBe(true)

    const before = core.credits.state().balance
    const deltas: string[] = []
    const text = transcript(90)
    const r = await core.enhance.run(
      { text, provider: 'builtin', modelId: 'tiny', preset: 'cleanup', lang: 'tr' },
      { onDelta: (d) => void (d.reset ? deltas.splice(0) : deltas.push(d.text)) },
    )
    expect(r.stats.chunks).toBeGreaterThan(1)
    expect(deltas.length).toBeGreaterThan(r.stats.chunks)
    expect(r.text.length).toBeGreaterThan(0)
    expect(r.stats.usage.outputTokens).toBeGreaterThan(0)
    expect(r.credits).toBe(0)
    expect(core.credits.state().balance).toBe(before)
    // its speed is measured like any model's, for the picker's tokens/s badge
    expect(core.catalog.get('builtin', 'tiny').measured?.samples).toBe(1)
    const status = await core.handlers['localLlm.status']({})
    expect(status.backend).toBe(status.gpu === false ? 'cpu' : status.gpu)
  })

  it('stops a run when it is cancelled and refunds (nothing was charged)', async () => {
    const core = await open()
    await core.handlers['localLlm.import']({ path: tinyGgufPath() })
    const before = core.credits.state().balance
    const ac = new AbortController()
    let seen = 0
    const run = core.enhance.run(
      { text: transcript(20), provider: 'builtin', modelId: 'tiny', preset: 'cleanup' },
      {
        signal: ac.signal,
        onDelta: () => {
          if (++seen === 3) ac.abort()
        },
      },
    )
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
    // a cancel stops generation within a few tokens, far before the answer's 1024-token cap
    expect(seen).toBeLessThan(50)
    expect(core.enhance.history()[0]?.status).toBe('cancelled')
    expect(core.credits.state().balance).toBe(before)
  })

  it('runs side by side (compare) on two built-in models, each free', async () => {
    const core = await open()
    const dir = tempDir()
    copyFileSync(tinyGgufPath(), path.join(dir, 'tiny-b.gguf'))
    await core.handlers['localLlm.import']({ path: tinyGgufPath() })
    await core.handlers['localLlm.import']({ path: path.join(dir, 'tiny-b.gguf') })
    const finished = new Map<string, string>()
    const all = new Promise<void>((resolve) =>
      core.events.subscribe((name, p) => {
        if (name !== 'enhance.finished') return
        const f = p as { id: string; status: string }
        finished.set(f.id, f.status)
        if (finished.size === 2) resolve()
      }),
    )
    const { runs } = await core.enhance.compare({ text: transcript(3), preset: 'summary' }, [
      { provider: 'builtin', modelId: 'tiny' },
      { provider: 'builtin', modelId: 'tiny-b' },
    ])
    expect(runs.map((r) => r.error)).toEqual([null, null])
    await all
    expect([...finished.values()]).toEqual(['done', 'done'])
    expect(core.credits.state().balance).toBe(core.store.data.settings.startingBalance)
  })

  it('refuses a file that is not a GGUF model and explains a damaged one', async () => {
    const core = await open()
    const dir = tempDir()
    const junk = path.join(dir, 'junk.gguf')
    writeFileSync(junk, Buffer.alloc(4096, 7))
    await expect(core.handlers['localLlm.import']({ path: junk })).rejects.toThrow(/not a usable GGUF model/)
    // a truncated download: the header is whole, the weights are cut off
    const whole = readFileSync(tinyGgufPath())
    const cut = path.join(dir, 'cut.gguf')
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)))
    await core.handlers['localLlm.import']({ path: cut })
    const before = core.credits.state().balance
    const err = await core.enhance
      .run({ text: transcript(3), provider: 'builtin', modelId: 'cut', preset: 'cleanup' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('model-unavailable')
    expect((err as AppError).message).toMatch(/could not load cut.*damaged or incomplete/s)
    expect(core.credits.state().balance).toBe(before)
  })

  it('refuses at import a header the engine cannot run, saying what is wrong with it', async () => {
    const core = await open()
    const dir = tempDir()
    const craft = (name: string, claims: NonNullable<GgufModelOptions['claims']>) => {
      const file = path.join(dir, `${name}.gguf`)
      writeGgufModel(file, { ...TINY_GGUF, claims })
      return file
    }
    // llama.cpp aborts its whole process on a model with no attention heads
    await expect(core.handlers['localLlm.import']({ path: craft('no-heads', { headCount: 0 }) })).rejects.toThrow(
      /no-heads\.gguf is not a usable GGUF model \(it claims 0 attention heads\)/,
    )
    // a context past the engine's 32-bit count would open as a 1-token context
    for (const contextLength of [2 ** 32 - 1, 2 ** 32]) {
      const err = await core.handlers['localLlm.import']({ path: craft(`ctx-${contextLength}`, { contextLength }) }).catch(
        (e: unknown) => e as AppError,
      )
      expect(err).toMatchObject({ code: 'invalid-input' })
      expect((err as AppError).message).toMatch(new RegExp(`claims a context of ${contextLength} tokens`))
      expect((err as AppError).message).not.toMatch(/does not fit/)
    }
    expect((await core.handlers['localLlm.list']({})).filter((m) => m.installed)).toEqual([])
  })

  it('refuses before starting a model that will not fit in memory', async () => {
    const core = await open({ memory: { availableBytes: () => 1024 * 1024 } })
    const dir = path.join(core.dataDirPath, 'models', 'llm')
    mkdirSync(dir, { recursive: true })
    copyFileSync(tinyGgufPath(), path.join(dir, 'tiny.gguf'))
    expect(core.catalog.get('builtin', 'tiny').memory).toMatchObject({ fits: false, availableMiB: 1 })
    const ledger = core.credits.history(0, 100).total
    await expect(
      core.enhance.start({ text: transcript(3), provider: 'builtin', modelId: 'tiny', preset: 'cleanup' }),
    ).rejects.toThrow(/needs about \d+ MiB of memory and 1 MiB is free/)
    expect(core.credits.history(0, 100).total).toBe(ledger)
    expect(core.enhance.history()).toHaveLength(0)
  })
})

describe('the engine worker', () => {
  it('lets the model go when idle, and starts again on the next request', async () => {
    const engine = new LocalLlmEngine({ threads: 1, idleMs: 100 })
    try {
      const req = {
        modelPath: tinyGgufPath(),
        contextTokens: 512,
        system: 'x',
        user: 'bir iki üç',
        maxTokens: 8,
        signal: new AbortController().signal,
        onDelta: () => undefined,
      }
      expect((await engine.generate(req)).outputTokens).toBe(8)
      await expect.poll(() => engine.alive, { timeout: 10_000 }).toBe(false)
      expect((await engine.generate(req)).outputTokens).toBe(8)
      expect(engine.alive).toBe(true)
    } finally {
      await engine.close()
    }
  })
})

describe('GGUF downloads (the shared resumable download)', () => {
  async function serve(body: Buffer, cutFirstAt?: number) {
    const srv = await modelServer(body, { cutFirstAt })
    return { ...srv, url: `${srv.url}/tiny.gguf` }
  }
  const entry = (url: string, sha256: string): GgufCatalogEntry => ({
    name: 'tiny-dl',
    displayName: 'Tiny',
    file: 'tiny-dl.gguf',
    url,
    sizeMiB: 1,
    ramMiB: 64,
    sha256,
    license: 'MIT',
    licenseUrl: 'https://example.invalid',
    commercialUse: true,
    languages: 'noise',
  })

  it('resumes an interrupted download, verifies SHA-256, installs atomically; a wrong checksum leaves nothing', async () => {
    const body = readFileSync(tinyGgufPath())
    const sha = createHash('sha256').update(body).digest('hex')
    const srv = await serve(body, 100_000)
    const dir = tempDir()
    try {
      const mm = new LocalLlmManager(() => dir, { catalog: [entry(srv.url, sha)] })
      await expect(mm.download('tiny-dl')).rejects.toThrow(/interrupted.*resume/)
      expect(mm.list()[0]?.installed).toBe(false)
      const file = await mm.download('tiny-dl')
      expect(srv.ranges.at(-1)).toMatch(/^bytes=\d+-$/)
      expect(readFileSync(file).equals(body)).toBe(true)
      expect(mm.list()[0]).toMatchObject({ installed: true, name: 'tiny-dl' })

      const badDir = tempDir()
      const bad = new LocalLlmManager(() => badDir, { catalog: [entry(srv.url, 'f'.repeat(64))] })
      await expect(bad.download('tiny-dl')).rejects.toThrow(/damaged \(SHA-256/)
      expect(readdirSync(bad.dir())).toEqual([])
    } finally {
      await srv.close()
    }
  })

  it('a background download reports its speed and time left, as a whisper download does, and ends with its last amount', async () => {
    const body = readFileSync(tinyGgufPath())
    const sha = createHash('sha256').update(body).digest('hex')
    const srv = await serve(body)
    const dir = tempDir()
    const events: Record<string, unknown>[] = []
    try {
      let finished!: () => void
      const ended = new Promise<void>((r) => (finished = r))
      const mm = new LocalLlmManager(() => dir, {
        catalog: [entry(srv.url, sha)],
        onDownload: (e) => {
          events.push(e)
          if (e.status !== 'running') finished()
        },
      })
      expect(mm.startDownload('tiny-dl')).toBe(true)
      await ended
      const running = events.filter((e) => e.status === 'running')
      expect(running.length).toBeGreaterThan(0)
      for (const e of running) {
        expect(typeof e.bytesPerSec).toBe('number')
        expect(e).toHaveProperty('etaSec')
      }
      // the last event says it is done and keeps how much came in, so the page does not show 0 of ?
      expect(events.at(-1)).toMatchObject({ status: 'done', receivedBytes: body.length, error: null })
    } finally {
      await srv.close()
    }
  })
})
