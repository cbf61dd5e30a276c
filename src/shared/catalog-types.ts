import { z } from 'zod'

/** Providers whose models the bundled catalog prices. */
export const cloudProviderIds = ['gemini', 'groq', 'openai', 'together'] as const
export const CloudProviderId = z.enum(cloudProviderIds)
export type CloudProviderId = z.infer<typeof CloudProviderId>

/** Everything that can run an enhancement: the cloud providers and a local OpenAI-compatible server. */
export const providerIds = [...cloudProviderIds, 'custom'] as const
export const ProviderId = z.enum(providerIds)
export type ProviderId = z.infer<typeof ProviderId>

export const ModelKind = z.enum(['chat', 'transcription'])
export type ModelKind = z.infer<typeof ModelKind>

export const SpeedTier = z.enum(['ultra-fast', 'standard'])
export type SpeedTier = z.infer<typeof SpeedTier>

/** A catalog row as stored. Multipliers are integer tenths (0.2x → 2) so no float ever truncates a price. */
export const ModelRecord = z.object({
  provider: CloudProviderId,
  modelId: z.string().min(1),
  displayName: z.string().min(1),
  inputUsdPer1M: z.number().nonnegative(),
  outputUsdPer1M: z.number().nonnegative(),
  contextTokens: z.number().int().positive(),
  multiplierTenths: z.number().int().min(0).max(1000),
  active: z.boolean(),
  kind: ModelKind,
  reasoning: z.boolean(),
  flagship: z.boolean(),
  publishedTokensPerSec: z.number().positive().optional(),
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
  /** rolling median of this machine's own runs */
  measured: z.object({ tokensPerSec: z.number(), ttftMs: z.number(), at: z.string(), samples: z.number().int() }).nullable(),
  credits: z.number().int().nonnegative(),
  multiplier: z.string(),
  free: z.boolean(),
  speedTier: SpeedTier,
  freeTierRpm: z.number().int().positive().nullable(),
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

export const Recommendation = z.object({
  scenario: Scenario,
  reason: z.string(),
  ref: z.object({ provider: CloudProviderId, modelId: z.string() }),
  model: ModelView.nullable(),
})
export type Recommendation = z.infer<typeof Recommendation>

export function modelKey(m: { provider: string; modelId: string }): string {
  return `${m.provider}/${m.modelId}`
}
