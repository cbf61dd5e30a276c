import { modelKey, type ModelRecord } from '../../shared/catalog-types'

/**
 * Merge a newer bundled catalog into the user's copy, field by field (a three-way merge):
 * - a field the user never changed (theirs equals the old bundle's) takes the new bundle's value;
 * - a field the user changed keeps the user's value, whatever the new bundle says;
 * - models new in the bundle are added; models the bundle dropped stay as the user has them.
 */
export function mergeBundled(user: ModelRecord[], oldBundle: ModelRecord[], newBundle: ModelRecord[]): ModelRecord[] {
  const base = new Map(oldBundle.map((m) => [modelKey(m), m]))
  const theirs = new Map(newBundle.map((m) => [modelKey(m), m]))
  const merged = user.map((mine) => {
    const key = modelKey(mine)
    const b = base.get(key)
    const n = theirs.get(key)
    // Not in the old bundle: the user brought it (a pricing update), so it stays theirs.
    if (!n || !b) return mine
    const out: Record<string, unknown> = { ...mine }
    for (const field of Object.keys(n) as (keyof ModelRecord)[]) {
      const userChanged = b !== undefined && JSON.stringify(mine[field]) !== JSON.stringify(b[field])
      if (!userChanged) out[field] = n[field]
    }
    return out as ModelRecord
  })
  const have = new Set(user.map(modelKey))
  for (const n of newBundle) if (!have.has(modelKey(n))) merged.push(n)
  return merged
}
