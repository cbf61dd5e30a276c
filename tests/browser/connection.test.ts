import path from 'node:path'
import { expect, it } from 'vitest'
import { startWebHost, type WebHost } from '../../src/web/web-host'
import { go, useApp } from '../helpers/browser'

const staticDir = process.env.WEB_OUT_DIR ?? path.resolve(import.meta.dirname, '../../out/web')
const open = useApp()

const words = {
  en: { banner: 'The app’s background service stopped answering', retry: 'Try again', stale: 'not current' },
  tr: { banner: 'Uygulamanın arka plan hizmeti yanıt vermiyor', retry: 'Yeniden dene', stale: 'güncel değil' },
} as const

for (const locale of ['en', 'tr'] as const) {
  const w = words[locale]
  it(`a host that stops is one banner with a retry, not an error in every panel; the balance is marked stale until it answers again (${locale})`, async () => {
    const { page: first, host, core, newPage } = await open()
    const page = locale === 'en' ? first : await newPage({ locale })
    const port = Number(new URL(host.url).port)
    await go(page, 'credits')
    await page.getByTestId('ledger').waitFor()
    const balance = page.getByTestId('header-balance')

    await host.close()
    // the panels of the next page ask the stopped host
    await go(page, 'models')
    const banner = page.getByTestId('connection-banner')
    await expect.poll(() => banner.isVisible()).toBe(true)
    expect(await banner.textContent()).toContain(w.banner)
    expect(await page.getByRole('alert').count()).toBe(1)
    expect(await page.locator('.error-box').count()).toBe(0)
    expect(await page.locator('main').textContent()).not.toMatch(/Failed to fetch|Something went wrong|Bir şeyler ters gitti/)
    await expect.poll(() => balance.getAttribute('data-stale')).toBe('true')
    expect(await balance.textContent()).toContain(w.stale)

    // Retry while it is still down: still the one banner, still no panel errors
    await banner.getByRole('button', { name: w.retry }).click()
    await expect.poll(() => banner.getByRole('button', { name: w.retry }).isEnabled()).toBe(true)
    expect(await page.getByRole('alert').count()).toBe(1)
    expect(await page.locator('.error-box').count()).toBe(0)

    // the host comes back on the same address: the banner goes and every panel loads again
    let again: WebHost | null = null
    let release = () => {}
    const held = new Promise<void>((r) => (release = r))
    try {
      await core.credits.topUp(5, 'after the restart')
      // the balance's own answer comes after the host is known to be back: until it has come, the
      // number shown is still the old one and says so
      await page.route('**/api/call/credits.get', async (route) => {
        // a test that ends early closes the host under a held request: that one is dropped
        try {
          const res = await route.fetch()
          await held
          await route.fulfill({ response: res })
        } catch {
          await route.abort().catch(() => undefined)
        }
      })
      again = await startWebHost(core, { staticDir, port, token: host.token })
      // the page asks again every few seconds (and its event stream reconnects): waiting, not timing
      await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(0)
      expect(await balance.getAttribute('data-stale')).toBe('true')
      expect(await page.getByTestId('header-balance-value').textContent()).toMatch(locale === 'en' ? /1,000/ : /1\.000/)
      release()
      await expect.poll(() => balance.getAttribute('data-stale')).toBe('false')
      expect(await page.getByTestId('header-balance-value').textContent()).toMatch(locale === 'en' ? /1,005/ : /1\.005/)
      await page.getByTestId('local-llm-models').waitFor()
      expect(await page.locator('.error-box').count()).toBe(0)
    } finally {
      release()
      await again?.close()
    }
  })
}
