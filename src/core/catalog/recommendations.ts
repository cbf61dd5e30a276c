import { modelKey, type ModelView, type Recommendation, type Scenario } from '../../shared/catalog-types'

/** The spec's scenario table as references into the catalog; the credits come from the catalog. */
export const scenarioRefs: { scenario: Scenario; reason: string; provider: 'groq' | 'together'; modelId: string }[] = [
  { scenario: 'instantChat', reason: 'ultraFastCheap', provider: 'groq', modelId: 'llama-3.1-8b-instant' },
  { scenario: 'quickEnhancement', reason: 'fastBalanced', provider: 'groq', modelId: 'openai/gpt-oss-20b' },
  { scenario: 'professionalWork', reason: 'strongFast', provider: 'groq', modelId: 'openai/gpt-oss-120b' },
  { scenario: 'freeTesting', reason: 'free', provider: 'together', modelId: 'meta-llama/Llama-3.3-70B-Instruct-Turbo-Free' },
  { scenario: 'batchProcessing', reason: 'bulk', provider: 'together', modelId: 'Qwen/Qwen2.5-7B-Instruct-Turbo' },
  { scenario: 'research', reason: 'advancedReasoning', provider: 'together', modelId: 'deepseek-ai/DeepSeek-R1' },
]

export function recommend(active: ModelView[]): Recommendation[] {
  const byKey = new Map(active.map((m) => [m.key, m]))
  return scenarioRefs.map((r) => ({
    scenario: r.scenario,
    reason: r.reason,
    ref: { provider: r.provider, modelId: r.modelId },
    model: byKey.get(modelKey(r)) ?? null,
  }))
}
