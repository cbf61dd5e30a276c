import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { bundledCatalog } from '../../src/core/catalog/bundled-catalog'
import { parseUpdateFile } from '../../src/core/pricing/update-file'
import { ModelId } from '../../src/shared/catalog-types'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { readLibrary } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

// JSON.stringify cannot write 1e309, NaN or Infinity: the files are written by hand, as an
// attacker or a broken generator would.
const file = (changes: string, newModels = '[]') =>
  `{"format":"mp4totext-pricing-update","formatVersion":1,"date":"2026-01-01","title":"t","changes":[${changes}],"newModels":${newModels}}`
const change = (field: string, value: string, modelId = '"llama-3.1-8b-instant"') =>
  `{"provider":"groq","modelId":${modelId},"${field}":${value}}`
const newModel = (over: Record<string, string>) => {
  const fields: Record<string, string> = {
    provider: '"groq"',
    modelId: '"qwen/qwen3-32b"',
    displayName: '"Qwen3 32B"',
    multiplier: '"0.9"',
    inputUsdPer1M: '0.29',
    outputUsdPer1M: '0.59',
    contextTokens: '131072',
    ...over,
  }
  return `[{${Object.entries(fields)
    .map(([k, v]) => `"${k}":${v}`)
    .join(',')}}]`
}

describe('pricing update files: bounded numbers and ids', () => {
  const refused: [string, string, RegExp][] = [
    ['a price of 1e308', file(change('inputUsdPer1M', '1e308')), /changes\[0\]\.inputUsdPer1M: .*at most 10000/],
    ['a price that overflows to Infinity', file(change('outputUsdPer1M', '1e309')), /changes\[0\]\.outputUsdPer1M: .*finite/],
    ['NaN (not JSON, so the file is refused)', file(change('inputUsdPer1M', 'NaN')), /not valid JSON/],
    ['a negative price', file(change('inputUsdPer1M', '-0.01')), /changes\[0\]\.inputUsdPer1M: a price cannot be negative/],
    ['a multiplier of 1e308', file(change('multiplier', '1e308')), /changes\[0\]\.multiplier/],
    ['a multiplier of -1', file(change('multiplier', '-1')), /changes\[0\]\.multiplier/],
    ['a multiplier given as "Infinity"', file(change('multiplier', '"Infinity"')), /changes\[0\]\.multiplier/],
    [
      'a model id of 10 000 characters',
      file(change('active', 'true', `"${'a'.repeat(10_000)}"`)),
      /changes\[0\]\.modelId: .*128/,
    ],
    ['a model id with spaces', file(change('active', 'true', '"llama 3; rm -rf"')), /changes\[0\]\.modelId: .*letters, digits/],
    ['a model id with a newline', file(change('active', 'true', '"x\\ny"')), /changes\[0\]\.modelId/],
    ['an unknown provider', file('{"provider":"acme","modelId":"x"}'), /changes\[0\]\.provider/],
    ['a new model priced at 1e308', file('', newModel({ outputUsdPer1M: '1e308' })), /newModels\[0\]\.outputUsdPer1M/],
    ['a new model with an endless context', file('', newModel({ contextTokens: '1e308' })), /newModels\[0\]\.contextTokens/],
    [
      'a new model with a 10 000 character name',
      file('', newModel({ displayName: `"${'n'.repeat(10_000)}"` })),
      /newModels\[0\]\.displayName/,
    ],
    ['a title of 100 000 characters', file('').replace('"title":"t"', `"title":"${'t'.repeat(100_000)}"`), /title/],
  ]
  for (const [name, text, message] of refused) {
    it(`refuses ${name}, naming the field`, () => {
      expect(() => parseUpdateFile(text)).toThrow(message)
    })
  }

  it('accepts every real id and price of the bundled catalog, and ids such as providers write them', () => {
    for (const m of bundledCatalog()) expect(ModelId.safeParse(m.modelId).success, m.modelId).toBe(true)
    for (const id of [
      'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8',
      'openai/gpt-oss-120b',
      'gpt-4o-2024-08-06',
      'ft:gpt-4o-mini-2024-07-18:my-org:custom:abc123',
      'models/gemini-2.5-flash-preview-09-2025',
      'Qwen/Qwen2.5-7B-Instruct-Turbo',
    ])
      expect(ModelId.safeParse(id).success, id).toBe(true)
    const top = file(change('outputUsdPer1M', '10000'))
    expect(parseUpdateFile(top).changes[0]!.outputUsdPer1M).toBe(10000)
  })
})

describe('after commit, success stays success', () => {
  let server: FakeLlmServer
  beforeAll(async () => {
    server = await startFakeLlmServer({ apiKey: TEST_KEY })
  })
  afterAll(() => server.close())

  it('a hostile pricing row cannot turn a paid, finished enhancement into a failure', async () => {
    const core: Core = await openCore({ dataDir: tempDir(), shell: 'cli', version: 't', systemLocale: 'en', env: envFor(server) })
    const hostile = file(change('inputUsdPer1M', '1e308').replace('}', ',"outputUsdPer1M":1e308}'))
    await expect(core.pricing.apply(hostile)).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/inputUsdPer1M/),
    })
    const before = core.credits.state().balance
    const result = await core.enhance.run({
      text: 'a short transcript. it has two sentences.',
      provider: 'groq',
      modelId: 'llama-3.1-8b-instant',
      preset: 'cleanup',
    })
    expect(Number.isFinite(result.stats.estimatedUsd)).toBe(true)
    expect(core.credits.state().balance).toBe(before - 4)
    expect(core.enhance.history()[0]).toMatchObject({ status: 'done' })
    // the highest price a file may set still gives a finite, recordable estimate
    await core.pricing.apply(file(change('inputUsdPer1M', '10000').replace('}', ',"outputUsdPer1M":10000}')))
    const dear = await core.enhance.run({
      text: 'x '.repeat(5000),
      provider: 'groq',
      modelId: 'llama-3.1-8b-instant',
      preset: 'cleanup',
    })
    expect(Number.isFinite(dear.stats.estimatedUsd)).toBe(true)
    expect(core.enhance.history()[0]).toMatchObject({ status: 'done' })
    expect(readLibrary(path.dirname(core.store.filePath)).enhancements.at(-1)!.status).toBe('done')
  })
})
