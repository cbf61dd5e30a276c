import { describe, expect, it } from 'vitest'
import { bundledCatalog, parseCsv } from '../../src/core/catalog/bundled-catalog'
import { bundledCatalogCsv } from '../../src/core/catalog/bundled-catalog-csv'
import { summarize } from '../../src/core/catalog/catalog-summary'
import { creditsFor, formatMultiplier, parseMultiplierTenths, percentChange } from '../../src/core/catalog/credits-math'
import { isUsable, toModelView } from '../../src/core/catalog/model-view'
import { compareGroqTogether } from '../../src/core/catalog/provider-compare'
import { recommend, scenarioRules } from '../../src/core/catalog/recommendations'

const views = () => bundledCatalog().map((m) => toModelView(m, 20))
const active = () =>
  bundledCatalog()
    .filter(isUsable)
    .map((m) => toModelView(m, 20))
const line = (m: { multiplier: string; credits: number; modelId: string }) =>
  `${m.multiplier}x | ${m.credits} credits | ${m.modelId}`

describe('credit arithmetic in tenths', () => {
  it('parses and formats multipliers without floats', () => {
    expect(parseMultiplierTenths('0.2')).toBe(2)
    expect(parseMultiplierTenths('16.7')).toBe(167)
    expect(parseMultiplierTenths('50')).toBe(500)
    expect(() => parseMultiplierTenths('0.25')).toThrow(/one decimal/)
    expect(() => parseMultiplierTenths('-1')).toThrow()
    expect(formatMultiplier(2)).toBe('0.2')
    expect(formatMultiplier(500)).toBe('50')
  })

  it('rounds half up where float truncation would lose a credit', () => {
    // The original's int(base × multiplier): with base 30, 4.1x is 122.99999999999999 in floats → 122
    expect(Math.trunc(30 * 4.1)).toBe(122)
    expect(creditsFor(41, 30)).toBe(123)
    expect(creditsFor(29, 20)).toBe(58)
    expect(creditsFor(167, 20)).toBe(334)
    expect(creditsFor(5, 15)).toBe(8) // 7.5 → 8
    expect(creditsFor(3, 15)).toBe(5) // 4.5 → 5
    expect(creditsFor(0, 20)).toBe(0)
  })

  it('truncates percentages the way the seed prints them', () => {
    expect(percentChange(6, 4)).toBe(-33)
    expect(percentChange(58, 46)).toBe(-20)
    expect(percentChange(30, 46)).toBe(53)
  })
})

describe('bundled catalog', () => {
  it('reproduces every credits figure of the seed CSV', () => {
    const csv = parseCsv(bundledCatalogCsv)
    expect(csv).toHaveLength(41)
    const byKey = new Map(views().map((v) => [v.key, v]))
    for (const row of csv) {
      const v = byKey.get(`${row.provider}/${row.model_id}`)
      expect(v, row.model_id).toBeDefined()
      expect(v!.credits, row.model_id).toBe(Number(row.credits))
    }
  })

  it('has 41 active models: 5 Gemini + 4 Groq + 10 OpenAI + 22 Together', () => {
    const s = summarize(active())
    expect(s.totalActive).toBe(41)
    const counts = Object.fromEntries(s.providers.map((p) => [p.provider, p.activeCount]))
    expect(counts).toEqual({ gemini: 5, groq: 4, openai: 10, together: 22 })
  })

  it('prints the four Groq rows exactly as the seed verification does', () => {
    const groq = active()
      .filter((m) => m.provider === 'groq')
      .map(line)
    expect(groq).toEqual([
      '0.2x | 4 credits | llama-3.1-8b-instant',
      '0.4x | 8 credits | openai/gpt-oss-20b',
      '1.2x | 24 credits | openai/gpt-oss-120b',
      '2.3x | 46 credits | llama-3.3-70b-versatile',
    ])
  })

  it('pins the Together figures the seed states', () => {
    const t = new Map(
      active()
        .filter((m) => m.provider === 'together')
        .map((m) => [m.modelId, m.credits]),
    )
    expect(t.get('meta-llama/Llama-3.3-70B-Instruct-Turbo')).toBe(58)
    expect(t.get('meta-llama/Llama-3.3-70B-Instruct-Turbo-Free')).toBe(0)
    expect(t.get('openai/gpt-oss-20b')).toBe(8)
    expect(t.get('openai/gpt-oss-120b')).toBe(24)
    expect(t.get('Qwen/Qwen2.5-7B-Instruct-Turbo')).toBe(20)
    expect(t.get('deepseek-ai/DeepSeek-R1')).toBe(334)
    expect(t.get('Qwen/Qwen3-235B-A22B-Thinking-2507')).toBe(122)
    expect(t.get('google/gemma-3n-E4B-it')).toBe(2)
    expect(t.get('meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo')).toBe(234)
  })

  it('gives the seed per-provider ranges, cheapest and most expensive', () => {
    const s = summarize(active())
    const ranges = Object.fromEntries(s.providers.map((p) => [p.provider, p.credits]))
    expect(ranges).toEqual({
      gemini: { min: 8, max: 60 },
      groq: { min: 4, max: 46 },
      openai: { min: 20, max: 1000 },
      together: { min: 0, max: 334 },
    })
    expect(s.providers.find((p) => p.provider === 'together')!.hasFreeModel).toBe(true)
    expect(s.cheapest.map((m) => [m.provider, m.modelId, m.credits])).toEqual([
      ['together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo-Free', 0],
      ['together', 'google/gemma-3n-E4B-it', 2],
      ['groq', 'llama-3.1-8b-instant', 4],
    ])
    expect(s.mostExpensive.map((m) => [m.provider, m.modelId, m.credits])).toEqual([
      ['openai', 'gpt-5-pro', 1000],
      ['together', 'deepseek-ai/DeepSeek-R1', 334],
      ['together', 'meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo', 234],
    ])
  })

  it('keeps whisper-large-v3-turbo as a transcription model, priced per minute, never offered for enhancement', () => {
    const w = views().find((m) => m.modelId === 'whisper-large-v3-turbo')!
    expect(w).toMatchObject({ provider: 'groq', kind: 'transcription', active: true, credits: 1 })
    expect(active().some((m) => m.modelId === 'whisper-large-v3-turbo')).toBe(false)
  })

  it('marks gpt-5-pro as Responses-API only and flags reasoning models', () => {
    const all = views()
    expect(all.find((m) => m.modelId === 'gpt-5-pro')!.api).toBe('responses')
    expect(all.filter((m) => m.api === 'responses')).toHaveLength(1)
    expect(all.find((m) => m.modelId === 'deepseek-ai/DeepSeek-R1')!.reasoning).toBe(true)
    expect(all.find((m) => m.modelId === 'llama-3.1-8b-instant')!.reasoning).toBe(false)
  })
})

describe('Groq vs Together comparison', () => {
  it('pairs the same models and computes the Llama 3.3 70B figures', () => {
    const r = compareGroqTogether(active())
    expect(r.sameModelPairs.map((p) => [p.modelId, p.groq.credits, p.together.credits, p.difference])).toEqual([
      ['openai/gpt-oss-20b', 8, 8, 0],
      ['openai/gpt-oss-120b', 24, 24, 0],
    ])
    expect(r.family.models.map((m) => [m.provider, m.credits])).toEqual([
      ['together', 58],
      ['groq', 46],
      ['together', 0],
    ])
    expect(r.family.groqVsTogether!.percentCheaper).toBe(20)
    const counts = r.features.find((f) => f.aspect === 'modelCount')!
    expect([counts.groq.values.count, counts.together.values.count]).toEqual([4, 22])
    const free = r.features.find((f) => f.aspect === 'freeModels')!
    expect(free.groq.key).toBe('compare.none')
    expect(free.together.values.names).toBe('Llama 3.3 70B Free')
    const flagships = r.features.find((f) => f.aspect === 'flagshipModels')!
    expect(flagships.together.values.names).toBe('DeepSeek R1, Qwen3 235B Thinking')
  })

  it('follows the catalog: a changed multiplier changes the page', () => {
    const models = bundledCatalog().map((m) => (m.modelId === 'llama-3.3-70b-versatile' ? { ...m, multiplierTenths: 29 } : m))
    const r = compareGroqTogether(models.filter(isUsable).map((m) => toModelView(m, 20)))
    expect(r.family.groqVsTogether!.percentCheaper).toBe(0)
    const price = r.features.find((f) => f.aspect === 'price')!
    expect(price.groq.key).toBe('compare.sameOrCheaper')
    const dearer = bundledCatalog().map((m) =>
      m.modelId === 'openai/gpt-oss-20b' && m.provider === 'groq' ? { ...m, multiplierTenths: 9 } : m,
    )
    const r2 = compareGroqTogether(dearer.filter(isUsable).map((m) => toModelView(m, 20)))
    expect(r2.sameModelPairs[0]!.difference).toBe(10)
    expect(r2.features.find((f) => f.aspect === 'price')!.groq.key).toBe('compare.mixedPrice')
  })
})

describe('recommendations', () => {
  it('every scenario points to an active model', () => {
    const recs = recommend(active())
    expect(recs).toHaveLength(scenarioRules.length)
    for (const r of recs) expect(r.model, `${r.scenario} → ${r.rule}`).not.toBeNull()
    // batch processing: the rule (cheapest paid model without a per-minute limit) picks Gemma 3n, not the seed's Qwen2.5 7B
    expect(recs.map((r) => r.model!.credits)).toEqual([4, 8, 24, 0, 2, 334])
  })

  it('reports none when no active model fits the rule', () => {
    const models = bundledCatalog().map((m) =>
      m.provider === 'together' && m.flagship && m.reasoning ? { ...m, active: false } : m,
    )
    const recs = recommend(models.filter(isUsable).map((m) => toModelView(m, 20)))
    expect(recs.find((r) => r.scenario === 'research')!.model).toBeNull()
  })
})
