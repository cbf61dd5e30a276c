import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { ModelRecord } from '../../src/shared/catalog-types'
import { bundledCatalog } from '../../src/core/catalog/bundled-catalog'

export const specUpdatePath = path.resolve(import.meta.dirname, '../../resources/pricing-updates/2025-11-03-groq.json')
export const specUpdateText = () => readFileSync(specUpdatePath, 'utf8')

/** The catalog as it was before the seed's update (the seed's own "before" figures). */
export function preUpdateCatalog(): ModelRecord[] {
  const before: Record<string, number> = {
    'llama-3.1-8b-instant': 3,
    'openai/gpt-oss-20b': 6,
    'llama-3.3-70b-versatile': 15,
    'openai/gpt-oss-120b': 12,
  }
  return bundledCatalog().map((m) => {
    if (m.provider !== 'groq') return m
    if (m.modelId === 'whisper-large-v3-turbo') return { ...m, active: true }
    return { ...m, multiplierTenths: before[m.modelId] ?? m.multiplierTenths }
  })
}
