import { modelKey, ModelRecord } from '../../shared/catalog-types'
import type { DiffLine } from '../../shared/pricing-types'
import { diffCatalogs } from './pricing-diff'
import { PricingValidationError, type PricingUpdateFile } from './update-file'

export interface AppliedUpdate {
  models: ModelRecord[]
  lines: DiffLine[]
}

/**
 * Apply an update to a catalog, purely: the input is not touched, and any problem (unknown or
 * duplicate model) rejects the whole update, listing every problem at once.
 */
export function applyUpdate(
  models: ModelRecord[],
  update: PricingUpdateFile,
  baseCredits: number,
  /** an edit of one row by the user: its active flag means what it says, for transcription too */
  opts: { edit?: boolean } = {},
): AppliedUpdate {
  const problems: string[] = []
  const next = structuredClone(models)
  const byKey = new Map(next.map((m) => [modelKey(m), m]))
  const seen = new Set<string>()
  const notes = new Map<string, string | undefined>()
  const unknown: string[] = []
  const enhancementOnly = new Set<string>()

  update.changes.forEach((c, i) => {
    const key = modelKey(c)
    if (seen.has(key)) problems.push(`changes[${i}]: ${key} is listed twice`)
    seen.add(key)
    const m = byKey.get(key)
    if (!m) {
      unknown.push(key)
      return
    }
    if (c.multiplier !== undefined) m.multiplierTenths = c.multiplier
    if (c.inputUsdPer1M !== undefined) m.inputUsdPer1M = c.inputUsdPer1M
    if (c.outputUsdPer1M !== undefined) m.outputUsdPer1M = c.outputUsdPer1M
    // "Active" in an update is about enhancement. A speech-to-text row was never offered for it, so
    // the seed's "deactivated: not used for AI enhancement" leaves it transcribing (and says so);
    // switching cloud transcription off is a Settings or catalog edit, never a side effect.
    if (c.active === false && m.kind === 'transcription' && !opts.edit) enhancementOnly.add(key)
    else if (c.active !== undefined) m.active = c.active
    if (c.displayName !== undefined) m.displayName = c.displayName
    notes.set(key, c.note)
  })
  if (unknown.length) problems.push(`unknown models (not in the catalog): ${unknown.join(', ')}`)

  update.newModels.forEach((n, i) => {
    const key = modelKey(n)
    if (byKey.has(key) || seen.has(key)) {
      problems.push(`newModels[${i}]: ${key} already exists`)
      return
    }
    seen.add(key)
    const record = ModelRecord.parse({
      provider: n.provider,
      modelId: n.modelId,
      displayName: n.displayName,
      inputUsdPer1M: n.inputUsdPer1M,
      outputUsdPer1M: n.outputUsdPer1M,
      contextTokens: n.contextTokens,
      multiplierTenths: n.multiplier,
      active: n.active,
      kind: n.kind,
      reasoning: n.reasoning,
      flagship: n.flagship,
      api: n.api,
      source: `pricing update ${update.date}`,
    })
    next.push(record)
    byKey.set(key, record)
    notes.set(key, n.note)
  })

  if (problems.length) throw new PricingValidationError(problems)
  return { models: next, lines: diffCatalogs(models, next, baseCredits, notes, enhancementOnly) }
}
