import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[]
}

/**
 * Serious or critical axe-core violations on the page as it is now (or inside `selector`), one
 * line each with where and why. axe is evaluated by the driver (DevTools protocol), which the
 * app's CSP does not govern: the page itself still may not eval or run inline scripts.
 */
export async function audit(page: Page, selector?: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource)
  const result = await page.evaluate(async (sel) => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } }).axe
    return axe.run(sel ?? (globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] })
  }, selector)
  return (result as AxeResult).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(n.target)} — ${n.failureSummary ?? ''}`),
    )
}
