import { z } from 'zod'

import { cloudProviderIds, providerIds } from './providers'

/** Providers whose models the bundled catalog prices (the registry in providers.ts says which). */
export const CloudProviderId = z.enum(cloudProviderIds)
export type CloudProviderId = z.infer<typeof CloudProviderId>

/**
 * Everything that can run an enhancement: the cloud providers, a local OpenAI-compatible server
 * ('custom') and the built-in engine running GGUF models in this app ('builtin').
 */
export const ProviderId = z.enum(providerIds)
export type ProviderId = z.infer<typeof ProviderId>

/**
 * A provider's model id as providers write them: letters, digits and . _ : / - (e.g.
 * "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "ft:gpt-4o-mini:org:name:id"), at most 128.
 * Ids arrive from pricing files and edits, and end up in keys, file names and messages.
 */
export const MAX_MODEL_ID_LENGTH = 128
export const ModelId = z
  .string()
  .min(1, 'a model id is required')
  .max(MAX_MODEL_ID_LENGTH, `a model id has at most ${MAX_MODEL_ID_LENGTH} characters`)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'a model id has only letters, digits and . _ : / - (and starts with a letter or digit)',
  )

/**
 * US dollars per million tokens. The dearest model priced today costs 120; the ceiling leaves
 * room for any real price while keeping every estimate finite (tokens × price stays far from
 * overflow), so a cost computed after credits were committed can never fail to be recorded.
 */
export const MAX_USD_PER_1M = 10_000
export const UsdPer1M = z
  .number({ error: (issue) => (issue.input === undefined ? undefined : 'a price must be a finite number') })
  .min(0, 'a price cannot be negative')
  .max(MAX_USD_PER_1M, `a price must be at most ${MAX_USD_PER_1M} USD per 1M tokens`)

/** Context windows: the largest offered today is 10M tokens. */
export const MAX_CONTEXT_TOKENS = 100_000_000
export const ContextTokens = z
  .number()
  .int('a context size is a whole number of tokens')
  .positive('a context size must be positive')
  .max(MAX_CONTEXT_TOKENS, `a context size must be at most ${MAX_CONTEXT_TOKENS} tokens`)

export const DisplayName = z.string().trim().min(1, 'a name is required').max(100, 'a name has at most 100 characters')

export const ModelKind = z.enum(['chat', 'transcription'])
export type ModelKind = z.infer<typeof ModelKind>

/**
 * A speed a provider published: the figure, who published it and when. A figure nobody can
 * trace is not shown, so a row carries all three or none.
 */
export const PublishedSpeed = z.object({
  tokensPerSec: z.number().positive(),
  source: z.string().min(1),
  /** year-month (or a full date) of the publication */
  date: z.string().min(7),
})
export type PublishedSpeed = z.infer<typeof PublishedSpeed>

/** A catalog row as stored. Multipliers are integer tenths (0.2x → 2) so no float ever truncates a price. */
export const ModelRecord = z.object({
  provider: CloudProviderId,
  modelId: z.string().min(1),
  displayName: z.string().min(1),
  // bounded here too: an estimate computed from a stored row must stay finite
  inputUsdPer1M: UsdPer1M,
  outputUsdPer1M: UsdPer1M,
  contextTokens: ContextTokens,
  multiplierTenths: z.number().int().min(0).max(1000),
  active: z.boolean(),
  kind: ModelKind,
  reasoning: z.boolean(),
  flagship: z.boolean(),
  publishedSpeed: PublishedSpeed.optional(),
  api: z.enum(['chat', 'responses']).default('chat'),
  source: z.string(),
})
export type ModelRecord = z.infer<typeof ModelRecord>

/** What the UI and the CLI see: the record plus everything computed from it. */
export const ModelView = ModelRecord.extend({
  provider: ProviderId,
  key: z.string(),
  /** a local server's model: no credits, no catalog row */
  local: z.boolean(),
  /** the provider said the model is gone (404); kept in the catalog, not offered */
  unavailable: z.object({ at: z.string(), message: z.string() }).nullable(),
  /**
   * rolling median of this machine's own runs; `estimated` when the provider reported no token
   * counts and the tokens were counted from characters
   */
  measured: z
    .object({ tokensPerSec: z.number(), ttftMs: z.number(), at: z.string(), samples: z.number().int(), estimated: z.boolean() })
    .nullable(),
  credits: z.number().int().nonnegative(),
  multiplier: z.string(),
  free: z.boolean(),
  freeTierRpm: z.number().int().positive().nullable(),
  /** built-in models: the memory the model needs against what is free now */
  memory: z.object({ needMiB: z.number(), availableMiB: z.number(), fits: z.boolean() }).nullable().optional(),
})
export type ModelView = z.infer<typeof ModelView>

export const CreditRange = z.object({ min: z.number().int(), max: z.number().int() })

export const CatalogSummary = z.object({
  totalActive: z.number().int(),
  providers: z.array(
    z.object({
      provider: CloudProviderId,
      activeCount: z.number().int(),
      credits: CreditRange.nullable(),
      hasFreeModel: z.boolean(),
    }),
  ),
  cheapest: z.array(ModelView),
  mostExpensive: z.array(ModelView),
})
export type CatalogSummary = z.infer<typeof CatalogSummary>

const PairSide = ModelView.nullable()
export const ComparePair = z.object({
  modelId: z.string(),
  displayName: z.string(),
  groq: ModelView,
  together: ModelView,
  /** groq credits minus together credits */
  difference: z.number().int(),
})

export const FeatureRow = z.object({
  aspect: z.enum(['speed', 'price', 'modelCount', 'rateLimit', 'bestFor', 'freeModels', 'flagshipModels']),
  groq: z.object({ key: z.string(), values: z.record(z.string(), z.union([z.string(), z.number()])) }),
  together: z.object({ key: z.string(), values: z.record(z.string(), z.union([z.string(), z.number()])) }),
})
export type FeatureRow = z.infer<typeof FeatureRow>

export const CompareReport = z.object({
  sameModelPairs: z.array(ComparePair),
  family: z.object({
    name: z.string(),
    models: z.array(ModelView),
    /** The cheapest paid Groq option against the cheapest paid Together option, in whole percent (truncated). */
    groqVsTogether: z.object({ groq: ModelView, together: ModelView, percentCheaper: z.number().int() }).nullable(),
  }),
  features: z.array(FeatureRow),
  unmatched: z.object({ groq: PairSide, together: PairSide }).optional(),
})
export type CompareReport = z.infer<typeof CompareReport>

export const Scenario = z.enum([
  'instantChat',
  'quickEnhancement',
  'professionalWork',
  'freeTesting',
  'batchProcessing',
  'research',
])
export type Scenario = z.infer<typeof Scenario>

/** How a scenario's model is picked from the catalog (worded in the UI and the README). */
export const RecommendationRule = z.enum([
  'cheapestWithSpeed',
  'fastest',
  'strongestWithSpeed',
  'free',
  'cheapestNoMinuteLimit',
  'strongestReasoning',
])
export type RecommendationRule = z.infer<typeof RecommendationRule>

export const Recommendation = z.object({
  scenario: Scenario,
  rule: RecommendationRule,
  /** the model the rule picks from the active catalog; null when no model fits it */
  model: ModelView.nullable(),
})
export type Recommendation = z.infer<typeof Recommendation>

export function modelKey(m: { provider: string; modelId: string }): string {
  return `${m.provider}/${m.modelId}`
}
