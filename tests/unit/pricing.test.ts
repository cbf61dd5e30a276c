import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { bundledCatalog } from '../../src/core/catalog/bundled-catalog'
import { applyUpdate } from '../../src/core/pricing/apply-update'
import { mergeBundled } from '../../src/core/pricing/bundled-merge'
import { parseUpdateFile } from '../../src/core/pricing/update-file'
import { preUpdateCatalog, specUpdateText } from '../helpers/pre-update-catalog'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

async function coreWithPreUpdateCatalog(): Promise<Core> {
  const core = await openCore({ dataDir: tempDir(), shell: 'cli', version: 't', systemLocale: 'en' })
  await core.store.mutate((db) => {
    db.catalog.models = preUpdateCatalog()
  })
  return core
}

const update = (over: Record<string, unknown>) =>
  JSON.stringify({ format: 'mp4totext-pricing-update', formatVersion: 1, date: '2026-01-01', title: 't', changes: [], ...over })

describe("the seed's pricing update", () => {
  it('turns the pre-update catalog into exactly the bundled (post-update) catalog', () => {
    const { models } = applyUpdate(preUpdateCatalog(), parseUpdateFile(specUpdateText()), 20)
    // the update takes whisper-large-v3-turbo off enhancement only: it stays a priced, active
    // transcription row, exactly as the bundled catalog has it
    expect(JSON.stringify(models)).toBe(JSON.stringify(bundledCatalog()))
  })

  it("previews the seed's groups and changelog lines exactly", async () => {
    const core = await coreWithPreUpdateCatalog()
    const p = core.pricing.preview(specUpdateText())
    expect(p.title).toBe('Groq pricing update')
    expect(p.checksum).toMatch(/^sha256:[0-9a-f]{64}$/)
    const by = (g: string) => p.lines.filter((l) => l.group === g).map((l) => l.changelog)
    expect(by('cheaper')).toEqual([
      'llama-3.1-8b-instant: 0.3x → 0.2x (6 → 4 credits, 33% cheaper)',
      'openai/gpt-oss-20b: 0.6x → 0.4x (12 → 8 credits, 33% cheaper)',
    ])
    expect(by('dearer')).toEqual(['llama-3.3-70b-versatile: 1.5x → 2.3x (30 → 46 credits, 53% more expensive)'])
    expect(by('kept')).toEqual(['openai/gpt-oss-120b: 1.2x (24 credits), unchanged (user request: same as Together)'])
    expect(by('deactivated')).toEqual([
      'whisper-large-v3-turbo: deactivated (not used for AI enhancement (audio transcription model))',
    ])
    expect(p.warnings).toEqual([])
    // a preview changes nothing
    expect(core.catalog.get('groq', 'llama-3.1-8b-instant').credits).toBe(6)
  })

  it('applies live, records history, and undo restores the catalog byte for byte', async () => {
    const core = await coreWithPreUpdateCatalog()
    const before = JSON.stringify(core.store.data.catalog.models)
    const events: string[] = []
    core.events.subscribe((name) => events.push(name))
    const entry = await core.pricing.apply(specUpdateText())
    expect(core.catalog.get('groq', 'llama-3.1-8b-instant').credits).toBe(4)
    expect(core.catalog.compare().family.groqVsTogether!.percentCheaper).toBe(20)
    expect(events).toContain('catalog.changed')
    expect(core.pricing.history()[0]).toMatchObject({
      id: entry.id,
      kind: 'update',
      title: 'Groq pricing update',
      undoneAt: null,
    })
    expect(core.pricing.history()[0]!.checksum).toBe(core.pricing.preview(specUpdateText()).checksum)
    await core.pricing.undo()
    expect(JSON.stringify(core.store.data.catalog.models)).toBe(before)
    expect(core.pricing.history()[0]!.undoneAt).not.toBeNull()
    await expect(core.pricing.undo()).rejects.toThrow(/no pricing change to undo/)
  })

  it('never recomputes credits already charged', async () => {
    const core = await coreWithPreUpdateCatalog()
    const r = await core.credits.reserve(core.catalog.get('groq', 'llama-3.1-8b-instant').credits, 'e1', 'Enhancement')
    await core.credits.commit(r.id)
    const ledger = JSON.stringify(core.store.data.credits.ledger)
    await core.pricing.apply(specUpdateText())
    expect(JSON.stringify(core.store.data.credits.ledger)).toBe(ledger)
    expect(core.store.data.credits.ledger.at(-1)!.amount).toBe(-6)
  })
})

describe('validation: nothing is half-applied', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"format": ', /not valid JSON/],
    ['wrong format', JSON.stringify({ format: 'x' }), /format/],
    [
      'multiplier over 100x',
      update({ changes: [{ provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: 101 }] }),
      /changes\[0\]\.multiplier: must be between 0x and 100x/,
    ],
    [
      'two decimals',
      update({ changes: [{ provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: '0.25' }] }),
      /changes\[0\]\.multiplier: must be a number with at most one decimal/,
    ],
    [
      'negative multiplier',
      update({ changes: [{ provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: -1 }] }),
      /changes\[0\]\.multiplier/,
    ],
    [
      'negative price',
      update({ changes: [{ provider: 'groq', modelId: 'llama-3.1-8b-instant', inputUsdPer1M: -1 }] }),
      /changes\[0\]\.inputUsdPer1M: a price cannot be negative/,
    ],
    ['unknown provider', update({ changes: [{ provider: 'acme', modelId: 'x' }] }), /changes\[0\]\.provider/],
    [
      'unknown field',
      update({ changes: [{ provider: 'groq', modelId: 'llama-3.1-8b-instant', price: 1 }] }),
      /changes\[0\]: Unrecognized key/,
    ],
    [
      'unknown models, all listed',
      update({
        changes: [
          { provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: 1 },
          { provider: 'groq', modelId: 'nope-1' },
          { provider: 'together', modelId: 'nope-2' },
        ],
      }),
      /unknown models \(not in the catalog\): groq\/nope-1, together\/nope-2/,
    ],
    [
      'duplicate rows',
      update({
        changes: [
          { provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: 1 },
          { provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: 2 },
        ],
      }),
      /listed twice/,
    ],
    [
      'new model that exists',
      update({
        newModels: [
          {
            provider: 'groq',
            modelId: 'llama-3.1-8b-instant',
            displayName: 'x',
            multiplier: 1,
            inputUsdPer1M: 0,
            outputUsdPer1M: 0,
            contextTokens: 1,
          },
        ],
      }),
      /newModels\[0\]: groq\/llama-3.1-8b-instant already exists/,
    ],
  ]
  for (const [name, text, message] of cases) {
    it(`rejects ${name} and changes nothing`, async () => {
      const core = await coreWithPreUpdateCatalog()
      const before = readFileSync(path.join(core.store.filePath), 'utf8')
      await expect(core.pricing.apply(text)).rejects.toMatchObject({
        code: 'invalid-input',
        message: expect.stringMatching(message),
      })
      expect(() => core.pricing.preview(text)).toThrow(message)
      expect(readFileSync(core.store.filePath, 'utf8')).toBe(before)
      expect(core.pricing.history()).toEqual([])
    })
  }

  it('asks before deactivating a model a recommendation points to', async () => {
    const core = await coreWithPreUpdateCatalog()
    const text = update({ changes: [{ provider: 'together', modelId: 'deepseek-ai/DeepSeek-R1', active: false }] })
    const preview = core.pricing.preview(text)
    // the scenario by its name, not the internal key; the rule then picks the next model
    expect(preview.warnings).toEqual([
      'Deactivating together/deepseek-ai/DeepSeek-R1 changes the "Research" recommendation to together/Qwen/Qwen3-235B-A22B-Thinking-2507',
    ])
    expect(preview.recommendationChanges).toEqual([
      {
        scenario: 'research',
        from: { key: 'together/deepseek-ai/DeepSeek-R1', displayName: 'DeepSeek R1' },
        to: { key: 'together/Qwen/Qwen3-235B-A22B-Thinking-2507', displayName: 'Qwen3 235B Thinking' },
      },
    ])
    await expect(core.pricing.apply(text)).rejects.toMatchObject({ code: 'needs-confirmation' })
    expect(core.catalog.get('together', 'deepseek-ai/DeepSeek-R1').active).toBe(true)
    await core.pricing.apply(text, { confirmWarnings: true })
    expect(core.catalog.recommendations().find((r) => r.scenario === 'research')!.model!.modelId).toBe(
      'Qwen/Qwen3-235B-A22B-Thinking-2507',
    )
  })

  it('adds new models from an update', async () => {
    const core = await coreWithPreUpdateCatalog()
    const text = update({
      newModels: [
        {
          provider: 'groq',
          modelId: 'qwen/qwen3-32b',
          displayName: 'Qwen3 32B',
          multiplier: '0.9',
          inputUsdPer1M: 0.29,
          outputUsdPer1M: 0.59,
          contextTokens: 131072,
        },
      ],
    })
    const p = core.pricing.preview(text)
    expect(p.lines.map((l) => [l.group, l.changelog])).toEqual([['added', 'qwen/qwen3-32b: new, 0.9x (18 credits)']])
    await core.pricing.apply(text)
    expect(core.catalog.get('groq', 'qwen/qwen3-32b').credits).toBe(18)
  })
})

describe('pricing editor', () => {
  it('sets one multiplier with a required reason, as an undoable history entry', async () => {
    const core = await openCore({ dataDir: tempDir(), shell: 'cli', version: 't', systemLocale: 'en' })
    await expect(
      core.pricing.setModel({ provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: '0.5', reason: ' ' }),
    ).rejects.toThrow(/reason is required/)
    await expect(
      core.pricing.setModel({ provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: 'lots', reason: 'r' }),
    ).rejects.toThrow(/at most one decimal/)
    await expect(core.pricing.setModel({ provider: 'groq', modelId: 'nope', multiplier: '1', reason: 'r' })).rejects.toThrow(
      /unknown models/,
    )
    const e = await core.pricing.setModel({
      provider: 'groq',
      modelId: 'llama-3.1-8b-instant',
      multiplier: '0.5',
      reason: 'promo over',
    })
    expect(e.lines[0]!.changelog).toBe('llama-3.1-8b-instant: 0.2x → 0.5x (4 → 10 credits, 150% more expensive)')
    expect(core.catalog.get('groq', 'llama-3.1-8b-instant').credits).toBe(10)
    await core.pricing.setModel({ provider: 'groq', modelId: 'llama-3.1-8b-instant', active: false, reason: 'testing' })
    expect(core.catalog.active().some((m) => m.modelId === 'llama-3.1-8b-instant')).toBe(false)
    await core.pricing.undo()
    await core.pricing.undo()
    expect(JSON.stringify(core.store.data.catalog.models)).toBe(JSON.stringify(bundledCatalog()))
  })
})

describe('bundled catalog upgrades', () => {
  it('takes new bundle values for untouched fields, keeps the user edits, adds new models, keeps dropped ones', () => {
    const oldBundle = bundledCatalog()
    const user = oldBundle.map((m) => (m.modelId === 'llama-3.1-8b-instant' ? { ...m, multiplierTenths: 9 } : m))
    user.push({ ...oldBundle[0]!, modelId: 'user-added', displayName: 'Mine' })
    const newBundle = oldBundle
      .filter((m) => m.modelId !== 'gemini-2.0-flash-lite')
      .map((m) => {
        if (m.modelId === 'llama-3.1-8b-instant') return { ...m, multiplierTenths: 1, displayName: 'Llama 3.1 8B Instant (new)' }
        if (m.modelId === 'openai/gpt-oss-20b' && m.provider === 'groq') return { ...m, multiplierTenths: 3 }
        return m
      })
    newBundle.push({ ...oldBundle[0]!, modelId: 'gemini-3-pro', displayName: 'Gemini 3 Pro' })
    const merged = mergeBundled(user, oldBundle, newBundle)
    const get = (id: string) => merged.find((m) => m.modelId === id && (m.provider === 'groq' || m.provider === 'gemini'))!
    expect(get('llama-3.1-8b-instant').multiplierTenths).toBe(9) // the user's edit wins
    expect(get('llama-3.1-8b-instant').displayName).toBe('Llama 3.1 8B Instant (new)') // untouched field follows
    expect(get('openai/gpt-oss-20b').multiplierTenths).toBe(3)
    expect(get('gemini-3-pro')).toBeDefined()
    expect(get('gemini-2.0-flash-lite')).toBeDefined()
    expect(get('user-added').displayName).toBe('Mine')
  })

  it('runs at start-up when the bundled version changes, recorded in history', async () => {
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'cli', version: 't', systemLocale: 'en' })
    await core.store.mutate((db) => {
      db.catalog.bundledVersion = '2025-10'
    })
    const again = await openCore({ dataDir: dir, shell: 'cli', version: 't', systemLocale: 'en' })
    expect(again.store.data.catalog.bundledVersion).not.toBe('2025-10')
    expect(again.pricing.history()[0]!.kind).toBe('bundled-merge')
    await expect(again.pricing.undo()).rejects.toThrow(/app upgrade/)
  })
})
