import type { ProviderId, SpeedTier } from '../../shared/catalog-types'

/**
 * What the spec says about each provider, as data. Text shown to users lives in the locale
 * files under the keys named here; numbers are used by the computed pages.
 */
export interface ProviderFacts {
  speedTier: SpeedTier
  /** "10x faster inference than OpenAI", per the spec; null where nothing is claimed */
  speedFactor: number | null
  /** requests per minute per model on the free tier; null where limits are dynamic or higher */
  freeTierRpm: number | null
  bestForKey: string
  rateLimitKey: string
}

export const providerFacts: Record<ProviderId, ProviderFacts> = {
  groq: {
    speedTier: 'ultra-fast',
    speedFactor: 10,
    freeTierRpm: 30,
    bestForKey: 'bestFor.realtime',
    rateLimitKey: 'rateLimit.perMinute',
  },
  together: {
    speedTier: 'standard',
    speedFactor: null,
    freeTierRpm: null,
    bestForKey: 'bestFor.batch',
    rateLimitKey: 'rateLimit.higher',
  },
  openai: {
    speedTier: 'standard',
    speedFactor: null,
    freeTierRpm: null,
    bestForKey: 'bestFor.quality',
    rateLimitKey: 'rateLimit.higher',
  },
  gemini: {
    speedTier: 'standard',
    speedFactor: null,
    freeTierRpm: null,
    bestForKey: 'bestFor.longContext',
    rateLimitKey: 'rateLimit.higher',
  },
  custom: {
    speedTier: 'standard',
    speedFactor: null,
    freeTierRpm: null,
    bestForKey: 'bestFor.privacy',
    rateLimitKey: 'rateLimit.none',
  },
  builtin: {
    speedTier: 'standard',
    speedFactor: null,
    freeTierRpm: null,
    bestForKey: 'bestFor.privacy',
    rateLimitKey: 'rateLimit.none',
  },
}

/** Published output speeds (tokens/s) the spec quotes for Groq. */
export const publishedTokensPerSec: Record<string, number> = {
  'groq/llama-3.1-8b-instant': 840,
  'groq/openai/gpt-oss-20b': 1000,
  'groq/openai/gpt-oss-120b': 500,
  'groq/llama-3.3-70b-versatile': 394,
}

/** Reasoning models bill hidden reasoning tokens (spec: gpt-5*, o4-mini, DeepSeek-R1, Qwen3 Thinking, gpt-oss). */
export function isReasoningModel(modelId: string): boolean {
  return /(^gpt-5)|(^o4-mini)|(DeepSeek-R1)|(Qwen3-.*Thinking)|(gpt-oss)/i.test(modelId)
}

/** Flagships named by the spec (Together: DeepSeek-R1, Qwen3) and each other provider's top model. */
export const flagshipModels = new Set([
  'together/deepseek-ai/DeepSeek-R1',
  'together/Qwen/Qwen3-235B-A22B-Thinking-2507',
  'openai/gpt-5-pro',
  'gemini/gemini-2.5-pro',
])
