/**
 * Credit arithmetic in integer tenths. 0.2x is stored as 2; credits for one enhancement are
 * round(baseCredits × tenths / 10), rounded half up, computed without floating point so that
 * 20 × 0.29 can never become 5.799… and truncate to 5.
 */
export function creditsFor(multiplierTenths: number, baseCredits: number): number {
  assertWhole(multiplierTenths, 'multiplier tenths')
  assertWhole(baseCredits, 'base credits')
  return Math.floor((baseCredits * multiplierTenths + 5) / 10)
}

/** 100x: the ceiling for any multiplier a user or an update may set. */
export const MAX_MULTIPLIER_TENTHS = 1000

/** "0.2" → 2, "50" → 500, "16.7" → 167, "0.2x" → 2; refuses anything finer than a tenth or above 100x. */
export function parseMultiplierTenths(text: string): number {
  const m = /^\s*(\d+)(?:\.(\d))?\s*x?\s*$/i.exec(text)
  if (!m) throw new Error(`must be a number with at most one decimal, got "${text}"`)
  const tenths = Number(m[1]) * 10 + Number(m[2] ?? 0)
  if (tenths > MAX_MULTIPLIER_TENTHS) throw new Error(`must be between 0x and 100x, got ${text}x`)
  return tenths
}

export function formatMultiplier(tenths: number): string {
  const whole = Math.floor(tenths / 10)
  const frac = tenths % 10
  return frac === 0 ? `${whole}` : `${whole}.${frac}`
}

/** Whole percent difference from `before` to `after`, truncated toward zero (the seed's "33% cheaper"). */
export function percentChange(before: number, after: number): number {
  if (before === 0) return 0
  return Math.trunc(((after - before) * 100) / before)
}

function assertWhole(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number ≥ 0, got ${n}`)
}
