/**
 * Poll `probe` until it gives something truthy, a bounded number of times (another process
 * needs a moment): the assertions after it judge the outcome, never the speed.
 */
export async function until<T>(what: string, probe: () => T | Promise<T>, tries = 300, everyMs = 100): Promise<NonNullable<T>> {
  for (let i = 0; i < tries; i++) {
    const v = await probe()
    if (v) return v as NonNullable<T>
    await new Promise((r) => setTimeout(r, everyMs))
  }
  throw new Error(`timed out waiting for ${what}`)
}
