import { z } from 'zod'
import { CloudProviderId, Scenario } from './catalog-types'

export const DiffGroup = z.enum(['cheaper', 'dearer', 'kept', 'deactivated', 'activated', 'added', 'edited'])
export type DiffGroup = z.infer<typeof DiffGroup>

/** One model's change, before → after, with the seed's changelog sentence ready-made. */
export const DiffLine = z.object({
  group: DiffGroup,
  provider: CloudProviderId,
  modelId: z.string(),
  displayName: z.string(),
  multiplierBefore: z.string().nullable(),
  multiplierAfter: z.string(),
  creditsBefore: z.number().int().nullable(),
  creditsAfter: z.number().int(),
  /** truncated whole percent, negative = cheaper; null when there is no before */
  percent: z.number().int().nullable(),
  activeBefore: z.boolean().nullable(),
  activeAfter: z.boolean(),
  note: z.string().optional(),
  /** a transcription row taken off enhancement only: it still transcribes */
  enhancementOnly: z.boolean().optional(),
  /** e.g. "llama-3.1-8b-instant: 0.3x → 0.2x (6 → 4 credits, 33% cheaper)" */
  changelog: z.string(),
})
export type DiffLine = z.infer<typeof DiffLine>

/** A recommendation whose model an update deactivates: the rule then picks `to` (null: none fits). */
export const RecommendationChange = z.object({
  scenario: Scenario,
  from: z.object({ key: z.string(), displayName: z.string() }),
  to: z.object({ key: z.string(), displayName: z.string() }).nullable(),
})
export type RecommendationChange = z.infer<typeof RecommendationChange>

export const PricingPreview = z.object({
  title: z.string(),
  date: z.string(),
  notes: z.string(),
  checksum: z.string(),
  lines: z.array(DiffLine),
  /** things the user must confirm, e.g. deactivating a model a recommendation points to (English, for the CLI) */
  warnings: z.array(z.string()),
  /** the same warnings as data, worded by the UI in its language */
  recommendationChanges: z.array(RecommendationChange).default([]),
})
export type PricingPreview = z.infer<typeof PricingPreview>

export const PricingHistoryEntry = z.object({
  id: z.string(),
  at: z.string(),
  kind: z.enum(['update', 'edit', 'bundled-merge']),
  title: z.string(),
  reason: z.string(),
  checksum: z.string().nullable(),
  lines: z.array(DiffLine),
  undoneAt: z.string().nullable(),
})
export type PricingHistoryEntry = z.infer<typeof PricingHistoryEntry>
