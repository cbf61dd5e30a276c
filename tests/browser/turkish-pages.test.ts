import { expect, it } from 'vitest'
import { chooseMedia, go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { installMiniModel } from '../helpers/transcribe-env'

// a Groq key, so the cost line shows the price rather than the missing key
const open = useApp({
  locale: 'tr',
  env: () => ({ GROQ_API_KEY: 'sk-test' }),
  prepare: async (dir) => void (await installMiniModel(dir)),
})

it('the main pages read in Turkish, with Turkish number and date formats', async () => {
  const { page, dataDir, shot } = await open()
  await go(page, 'transcribe')
  expect(await page.locator('h1').textContent()).toBe('Transkript oluştur')
  await chooseMedia(page, makeMedia(dataDir, 'toplantı.wav', { seconds: 6, noise: true }))
  await expect.poll(() => page.getByTestId('job').first().getAttribute('data-status'), { timeout: 30_000 }).toBe('done')
  expect(await page.getByTestId('job').first().textContent()).toContain('Tamamlandı')
  expect(await page.getByTestId('job').first().textContent()).toMatch(/%100/)
  await shot('tr-transcribe')
  await go(page, 'enhance')
  expect(await page.locator('h1').textContent()).toBe('Transkripti iyileştir')
  await page.locator('[data-key="groq/llama-3.1-8b-instant"]').click()
  expect(await page.getByTestId('enhance-cost').textContent()).toBe('Maliyet 4 kredi · bakiye 1.000 kredi')
  await shot('tr-enhance')
  await go(page, 'compare')
  expect(await page.getByTestId('family-verdict').textContent()).toContain('%20 daha ucuz')
  await shot('tr-compare')
})
