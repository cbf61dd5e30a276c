import { describe, expect, it } from 'vitest'
import { bundledCatalog } from '../../src/core/catalog/bundled-catalog'
import { mergeBundled } from '../../src/core/pricing/bundled-merge'
import { transcriptionCredits } from '../../src/core/transcribe/cloud/transcription-cost'
import type { ModelRecord } from '../../src/shared/catalog-types'

/** Catalog 2025-11 as installed before #12: one inactive, unpriced Groq whisper row. */
function catalog2025_11(): ModelRecord[] {
  const rows = bundledCatalog().filter((m) => m.kind !== 'transcription')
  const turbo = bundledCatalog().find((m) => m.modelId === 'whisper-large-v3-turbo')!
  return [...rows, { ...turbo, multiplierTenths: 0, active: false }]
}

describe('transcription rows in the catalog', () => {
  it('reach an existing install through the three-way merge, priced and active', () => {
    const merged = mergeBundled(catalog2025_11(), catalog2025_11(), bundledCatalog())
    const rows = merged.filter((m) => m.kind === 'transcription')
    expect(rows.map((m) => [`${m.provider}/${m.modelId}`, m.multiplierTenths, m.active])).toEqual([
      ['groq/whisper-large-v3-turbo', 10, true],
      ['groq/whisper-large-v3', 28, true],
      ['openai/whisper-1', 90, true],
    ])
  })

  it('keep a user edit of a transcription row across the merge', () => {
    const user = catalog2025_11().map((m) => (m.modelId === 'whisper-large-v3-turbo' ? { ...m, multiplierTenths: 15 } : m))
    const turbo = mergeBundled(user, catalog2025_11(), bundledCatalog()).find((m) => m.modelId === 'whisper-large-v3-turbo')!
    expect(turbo.multiplierTenths).toBe(15)
  })

  it('charge per started minute in whole credits, rounding up', () => {
    expect(transcriptionCredits(1800, 10)).toBe(30)
    expect(transcriptionCredits(1800.5, 10)).toBe(31)
    expect(transcriptionCredits(60, 28)).toBe(3)
    expect(transcriptionCredits(1800, 28)).toBe(84)
    expect(transcriptionCredits(0.001, 90)).toBe(9)
    expect(transcriptionCredits(3600, 0)).toBe(0)
  })
})
