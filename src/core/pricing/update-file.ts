import { z } from 'zod'
import {
  CloudProviderId as ProviderId,
  ContextTokens,
  DisplayName,
  ModelId,
  ModelKind,
  UsdPer1M as Price,
} from '../../shared/catalog-types'
import { parseMultiplierTenths } from '../catalog/credits-math'

/** Multipliers are written like the seed writes them ("0.2" or 0.2); at most one decimal, 0–100x. */
const Multiplier = z.union([z.number(), z.string()]).transform((v, ctx) => {
  try {
    return parseMultiplierTenths(String(v))
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message })
    return z.NEVER
  }
})

const Note = z.string().max(500, 'a note has at most 500 characters')
/** far more rows than any catalog has; a file is checked as a whole, and must stay cheap to check */
const MAX_ROWS = 1000

export const ModelChange = z
  .object({
    provider: ProviderId,
    modelId: ModelId,
    multiplier: Multiplier.optional(),
    inputUsdPer1M: Price.optional(),
    outputUsdPer1M: Price.optional(),
    active: z.boolean().optional(),
    displayName: DisplayName.optional(),
    note: Note.optional(),
  })
  .strict()
export type ModelChange = z.infer<typeof ModelChange>

export const NewModel = z
  .object({
    provider: ProviderId,
    modelId: ModelId,
    displayName: DisplayName,
    multiplier: Multiplier,
    inputUsdPer1M: Price,
    outputUsdPer1M: Price,
    contextTokens: ContextTokens,
    kind: ModelKind.default('chat'),
    active: z.boolean().default(true),
    reasoning: z.boolean().default(false),
    flagship: z.boolean().default(false),
    api: z.enum(['chat', 'responses']).default('chat'),
    note: Note.optional(),
  })
  .strict()
export type NewModel = z.infer<typeof NewModel>

export const PRICING_FORMAT = 'mp4totext-pricing-update'

export const PricingUpdateFile = z
  .object({
    format: z.literal(PRICING_FORMAT),
    formatVersion: z.literal(1),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2025-11-03'),
    title: z.string().trim().min(1).max(200, 'a title has at most 200 characters'),
    notes: z.string().max(5000, 'notes have at most 5000 characters').default(''),
    changes: z.array(ModelChange).max(MAX_ROWS, `at most ${MAX_ROWS} changes`).default([]),
    newModels: z.array(NewModel).max(MAX_ROWS, `at most ${MAX_ROWS} new models`).default([]),
  })
  .strict()
export type PricingUpdateFile = z.infer<typeof PricingUpdateFile>

export class PricingValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`The pricing update was not applied:\n- ${problems.join('\n- ')}`)
  }
}

/** Parse the file text; every problem names its field (e.g. "changes[2].multiplier"). */
export function parseUpdateFile(text: string): PricingUpdateFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new PricingValidationError([`the file is not valid JSON (${(err as Error).message})`])
  }
  const parsed = PricingUpdateFile.safeParse(raw)
  if (!parsed.success) {
    throw new PricingValidationError(
      parsed.error.issues.map(
        (i) =>
          `${
            i.path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '') || 'file'
          }: ${i.message}`,
      ),
    )
  }
  return parsed.data
}
