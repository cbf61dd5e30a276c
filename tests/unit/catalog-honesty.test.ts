import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { bundledCatalog } from '../../src/core/catalog/bundled-catalog'
import { isUsable, toModelView } from '../../src/core/catalog/model-view'
import { compareGroqTogether } from '../../src/core/catalog/provider-compare'
import { recommend } from '../../src/core/catalog/recommendations'
import { sortModels } from '../../src/shared/model-sort'
import type { ModelRecord, ModelView } from '../../src/shared/catalog-types'
import { envFor } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const viewsOf = (rows: ModelRecord[]) => rows.filter(isUsable).map((m) => toModelView(m, 20))
const find = (list: ModelView[], key: string) => list.find((m) => m.key === key)!

describe('speed figures: published with a source, measured here, never a constant', () => {
  it('a published figure carries its source and date; a row without one has none', () => {
    const views = viewsOf(bundledCatalog())
    expect(find(views, 'groq/llama-3.1-8b-instant').publishedSpeed).toEqual({
      tokensPerSec: 840,
      source: expect.stringMatching(/Groq/),
      date: '2025-11',
    })
    expect(find(views, 'groq/llama-3.1-8b-instant')).not.toHaveProperty('speedTier')
    expect(find(views, 'together/openai/gpt-oss-20b').publishedSpeed).toBeUndefined()
  })

  it('sorts on measured, then published: a Groq row with no figure gets no bonus', () => {
    const rows = bundledCatalog().map((m) =>
      m.provider === 'groq' && m.modelId === 'llama-3.3-70b-versatile' ? { ...m, publishedSpeed: undefined } : m,
    )
    const views = rows.filter(isUsable).map((m) =>
      toModelView(m, 20, {
        samples:
          m.provider === 'together' && m.modelId === 'openai/gpt-oss-20b'
            ? [{ at: '2026-01-01T00:00:00.000Z', ttftMs: 100, tokensPerSec: 60 }]
            : undefined,
      }),
    )
    const order = sortModels(views, 'speed').map((m) => m.key)
    // 60 tok/s measured here beats a Groq row that has no figure at all
    expect(order.indexOf('together/openai/gpt-oss-20b')).toBeLessThan(order.indexOf('groq/llama-3.3-70b-versatile'))
    // published figures in their own order: 1000, 840, 500
    expect(order.slice(0, 3)).toEqual(['groq/openai/gpt-oss-20b', 'groq/llama-3.1-8b-instant', 'groq/openai/gpt-oss-120b'])
  })

  it('the comparison states no speed factor: it gives the published figures and where they come from', () => {
    const r = compareGroqTogether(viewsOf(bundledCatalog()))
    const speed = r.features.find((f) => f.aspect === 'speed')!
    expect(JSON.stringify(r)).not.toMatch(/factor|fasterBy/)
    expect(speed.groq).toEqual({
      key: 'compare.publishedRange',
      values: { min: 394, max: 1000, source: expect.stringMatching(/Groq/), date: '2025-11' },
    })
    expect(speed.together).toEqual({ key: 'compare.notPublished', values: {} })
  })
})

describe('measured speed is "estimated" when the provider reported no usage', () => {
  let plain: FakeLlmServer
  let silent: FakeLlmServer
  beforeAll(async () => {
    plain = await startFakeLlmServer()
    silent = await startFakeLlmServer({ noUsage: true })
  })
  afterAll(async () => {
    await plain.close()
    await silent.close()
  })
  const open = (server: FakeLlmServer): Promise<Core> =>
    openCore({ dataDir: tempDir(), shell: 'cli', version: 't', systemLocale: 'en', env: envFor(server) })
  const text = 'hello there. this is a short transcript that the model will return in capitals.'

  it('usage reported: measured; no usage: estimated, in the run stats and the model row', async () => {
    const a = await open(plain)
    const ra = await a.enhance.run({ text, provider: 'groq', modelId: 'llama-3.1-8b-instant', preset: 'cleanup' })
    expect(ra.stats.tokensPerSecEstimated).toBe(false)
    expect(a.catalog.get('groq', 'llama-3.1-8b-instant').measured).toMatchObject({ estimated: false, samples: 1 })
    await a.close()

    const b = await open(silent)
    const rb = await b.enhance.run({ text, provider: 'groq', modelId: 'llama-3.1-8b-instant', preset: 'cleanup' })
    expect(rb.stats.tokensPerSecEstimated).toBe(true)
    expect(b.catalog.get('groq', 'llama-3.1-8b-instant').measured).toMatchObject({ estimated: true, samples: 1 })
    await b.close()
  })
})

describe('recommendations are computed from the catalog by stated rules', () => {
  const pick = (recs: ReturnType<typeof recommend>, s: string) => recs.find((r) => r.scenario === s)!.model?.key ?? null

  it("the bundled catalog gives the seed's picks where its fields support them", () => {
    const recs = recommend(viewsOf(bundledCatalog()))
    expect(recs.map((r) => [r.scenario, r.rule, r.model?.key ?? null])).toEqual([
      ['instantChat', 'cheapestWithSpeed', 'groq/llama-3.1-8b-instant'],
      ['quickEnhancement', 'fastest', 'groq/openai/gpt-oss-20b'],
      ['professionalWork', 'strongestWithSpeed', 'groq/openai/gpt-oss-120b'],
      ['freeTesting', 'free', 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free'],
      ['batchProcessing', 'cheapestNoMinuteLimit', 'together/google/gemma-3n-E4B-it'],
      ['research', 'strongestReasoning', 'together/deepseek-ai/DeepSeek-R1'],
    ])
  })

  it('a catalog change changes the recommendation', () => {
    const edited = bundledCatalog().map((m) => {
      const key = `${m.provider}/${m.modelId}`
      if (key === 'groq/llama-3.1-8b-instant') return { ...m, multiplierTenths: 9 } // now dearer than gpt-oss-20b
      if (key === 'together/deepseek-ai/DeepSeek-R1') return { ...m, active: false }
      if (key === 'together/google/gemma-3n-E4B-it') return { ...m, active: false }
      if (key === 'together/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free') return { ...m, active: false }
      return m
    })
    const recs = recommend(viewsOf(edited))
    expect(pick(recs, 'instantChat')).toBe('groq/openai/gpt-oss-20b')
    expect(pick(recs, 'research')).toBe('together/Qwen/Qwen3-235B-A22B-Thinking-2507')
    expect(pick(recs, 'batchProcessing')).toBe('together/meta-llama/Meta-Llama-3-8B-Instruct-Lite')
    expect(pick(recs, 'freeTesting')).toBeNull()

    // a measured speed on this machine counts: Together's GPT-OSS 20B measured faster than every published figure
    const measured = viewsOf(bundledCatalog()).map((m) =>
      m.key === 'together/openai/gpt-oss-20b'
        ? { ...m, measured: { tokensPerSec: 1500, ttftMs: 90, at: '2026-01-01T00:00:00.000Z', samples: 3, estimated: false } }
        : m,
    )
    expect(pick(recommend(measured), 'quickEnhancement')).toBe('together/openai/gpt-oss-20b')
  })
})
