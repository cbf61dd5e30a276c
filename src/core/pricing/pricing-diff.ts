import { modelKey, type ModelRecord } from '../../shared/catalog-types'
import type { DiffGroup, DiffLine } from '../../shared/pricing-types'
import { creditsFor, formatMultiplier, percentChange } from '../catalog/credits-math'

function groupOf(before: ModelRecord | null, after: ModelRecord, cb: number | null, ca: number): DiffGroup {
  if (!before) return 'added'
  if (before.active && !after.active) return 'deactivated'
  if (!before.active && after.active) return 'activated'
  if (cb !== null && ca < cb) return 'cheaper'
  if (cb !== null && ca > cb) return 'dearer'
  const { multiplierTenths: _a, ...restBefore } = before
  const { multiplierTenths: _b, ...restAfter } = after
  return JSON.stringify(restBefore) === JSON.stringify(restAfter) ? 'kept' : 'edited'
}

/** The seed's changelog sentence: "0.3x → 0.2x (6 → 4 credits, 33% cheaper)". */
function changelogOf(line: Omit<DiffLine, 'changelog'>): string {
  const m = (x: string) => `${x}x`
  const credits = (n: number) => `${n} credit${n === 1 ? '' : 's'}`
  const now = `${m(line.multiplierAfter)} (${credits(line.creditsAfter)})`
  switch (line.group) {
    case 'cheaper':
    case 'dearer':
      return `${line.modelId}: ${m(line.multiplierBefore!)} → ${m(line.multiplierAfter)} (${line.creditsBefore} → ${line.creditsAfter} credits, ${Math.abs(line.percent!)}% ${line.group === 'cheaper' ? 'cheaper' : 'more expensive'})`
    case 'kept':
      return `${line.modelId}: ${now}, unchanged${line.note ? ` (${line.note})` : ''}`
    case 'deactivated':
      // the seed's own words; for a transcription row the UI adds that it still transcribes
      return `${line.modelId}: deactivated${line.note ? ` (${line.note})` : ''}`
    case 'activated':
      return `${line.modelId}: activated, ${now}`
    case 'added':
      return `${line.modelId}: new, ${now}`
    case 'edited':
      return `${line.modelId}: details changed, ${now}`
  }
}

export function diffLine(
  before: ModelRecord | null,
  after: ModelRecord,
  baseCredits: number,
  note?: string,
  /** a transcription row the update takes off enhancement only (it stays active for transcription) */
  enhancementOnly = false,
): DiffLine {
  const cb = before ? creditsFor(before.multiplierTenths, baseCredits) : null
  const ca = creditsFor(after.multiplierTenths, baseCredits)
  const line = {
    group: enhancementOnly ? ('deactivated' as const) : groupOf(before, after, cb, ca),
    provider: after.provider,
    modelId: after.modelId,
    displayName: after.displayName,
    multiplierBefore: before ? formatMultiplier(before.multiplierTenths) : null,
    multiplierAfter: formatMultiplier(after.multiplierTenths),
    creditsBefore: cb,
    creditsAfter: ca,
    percent: cb === null ? null : percentChange(cb, ca),
    activeBefore: before?.active ?? null,
    activeAfter: after.active,
    ...(note ? { note } : {}),
    ...(enhancementOnly ? { enhancementOnly } : {}),
  }
  return { ...line, changelog: changelogOf(line) }
}

/** Lines for every model that differs between two catalogs, plus those named in `listed`. */
export function diffCatalogs(
  before: ModelRecord[],
  after: ModelRecord[],
  baseCredits: number,
  listed: Map<string, string | undefined> = new Map(),
  enhancementOnly: ReadonlySet<string> = new Set(),
): DiffLine[] {
  const old = new Map(before.map((m) => [modelKey(m), m]))
  return after.flatMap((m) => {
    const key = modelKey(m)
    const prev = old.get(key) ?? null
    const changed = !prev || JSON.stringify(prev) !== JSON.stringify(m)
    return changed || listed.has(key) ? [diffLine(prev, m, baseCredits, listed.get(key), enhancementOnly.has(key))] : []
  })
}
