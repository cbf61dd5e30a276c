import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { tinyGgufPath } from '../helpers/gguf-model'

// no keys and no servers: the built-in engine is all there is
const open = useApp({ env: () => ({}) })

it('imports a GGUF on the Models page, enhances with it "On this computer", streams, and charges nothing', async () => {
  const { page, shot } = await open()
  await go(page, 'models')
  await page.getByLabel('Import a GGUF file').setInputFiles(tinyGgufPath())
  const row = page.getByTestId('local-llm-models').locator('[data-model=tiny]')
  await expect.poll(() => row.textContent()).toContain('Imported')
  await shot('local-llm-models')

  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill('bir iki üç dört beş. altı yedi sekiz dokuz on. ve ile ama için gibi.')
  await page.getByLabel('Search models').fill('tiny')
  const option = page.locator('[data-key="builtin/tiny"]')
  expect(await option.textContent()).toContain('On this computer')
  await option.click()
  await page.getByRole('button', { name: 'Enhance', exact: true }).click()
  const text = page.getByTestId('run-text')
  await expect.poll(async () => (await text.textContent())!.length, { timeout: 30_000 }).toBeGreaterThan(0)
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status'), { timeout: 60_000 }).toBe('done')
  expect(await page.getByTestId('run-stats').textContent()).toMatch(/^0 credits · /)
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('1,000 credits')
  // the measured speed is now on the model's row
  await expect.poll(() => option.textContent()).toMatch(/tok\/s/)
  await shot('local-llm-enhanced')

  await go(page, 'settings')
  expect(await page.getByTestId('privacy-table').textContent()).toContain('Enhancement on this computer')
  await expect.poll(() => page.getByTestId('engine-backend').textContent()).toMatch(/Runs on the (CPU|GPU)/)
})
