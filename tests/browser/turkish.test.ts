import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'

const open = useApp({ locale: 'tr' })

it('a Turkish system gets the Turkish UI with Turkish number formatting, and switches live', async () => {
  const { page, shot } = await open()
  expect(await page.getByTestId('header-balance-value').textContent()).toBe('1.000 kredi')
  expect(await page.getByRole('navigation', { name: 'Ana menü' }).textContent()).toContain('Krediler')
  await go(page, 'models')
  expect(await page.locator('[data-key="groq/llama-3.1-8b-instant"]').textContent()).toContain(
    '~840 token/sn, Groq yayımladı (Kas 2025)',
  )
  await shot('models-tr')
  await go(page, 'settings')
  await page.locator('select[name=locale]').selectOption('en')
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('1,000 credits')
})

it('the credit history speaks Turkish: the app’s own ledger reasons are translated, a typed note is kept', async () => {
  const { page, core } = await open()
  await core.credits.topUp(50, 'Toplantı için')
  await core.credits.topUp(10, 'Top-up (CLI)')
  await go(page, 'credits')
  const ledger = page.getByTestId('ledger')
  await ledger.waitFor()
  const text = await ledger.textContent()
  expect(text).toContain('Hoş geldin kredisi')
  expect(text).toContain('Yükleme (komut satırı)')
  expect(text).toContain('Toplantı için')
  expect(text).not.toContain('Welcome credits')
})
