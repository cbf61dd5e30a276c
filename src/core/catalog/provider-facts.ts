import type { PublishedSpeed } from '../../shared/catalog-types'

/*
 * What the seed says about each model, as data (the providers' own facts — best for, rate
 * limits — are in the registry, shared/providers.ts). The seed's "10x faster" is a marketing line
 * with no source: it is not a fact here, and no provider gets a speed tier; speed comes from
 * published figures (below) and this machine's own runs.
 */

/** Output speeds Groq published for its models, as the seed's provider notes quote them (late 2025). */
const GROQ_PUBLISHED = { source: 'Groq', date: '2025-11' }
export const publishedSpeeds: Record<string, PublishedSpeed> = {
  'groq/llama-3.1-8b-instant': { tokensPerSec: 840, ...GROQ_PUBLISHED },
  'groq/openai/gpt-oss-20b': { tokensPerSec: 1000, ...GROQ_PUBLISHED },
  'groq/openai/gpt-oss-120b': { tokensPerSec: 500, ...GROQ_PUBLISHED },
  'groq/llama-3.3-70b-versatile': { tokensPerSec: 394, ...GROQ_PUBLISHED },
}

/** Reasoning models bill hidden reasoning tokens (spec: gpt-5*, o4-mini, DeepSeek-R1, Qwen3 Thinking, gpt-oss). */
export function isReasoningModel(modelId: string): boolean {
  return /(^gpt-5)|(^o4-mini)|(DeepSeek-R1)|(Qwen3-.*Thinking)|(gpt-oss)/i.test(modelId)
}

/** Flagships named by the seed (Together: DeepSeek-R1, Qwen3) and each other provider's top model. */
export const flagshipModels = new Set([
  'together/deepseek-ai/DeepSeek-R1',
  'together/Qwen/Qwen3-235B-A22B-Thinking-2507',
  'openai/gpt-5-pro',
  'gemini/gemini-2.5-pro',
])
