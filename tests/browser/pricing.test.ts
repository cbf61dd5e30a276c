import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { preUpdateCatalog, specUpdatePath } from '../helpers/pre-update-catalog'

const open = useApp()

it("previews the seed's update, applies it live, and undoes it", async () => {
  const { page, core, shot } = await open()
  await core.store.mutate((db) => {
    db.catalog.models = preUpdateCatalog()
  })
  core.events.emit('catalog.changed', { reason: 'test setup' })
  const llama = page.locator('[data-key="groq/llama-3.1-8b-instant"] [data-testid=credits]')
  await go(page, 'models')
  await expect.poll(() => llama.textContent()).toBe('6 credits')

  await go(page, 'pricing')
  await page.getByTestId('pricing-file').setInputFiles(specUpdatePath)
  const preview = page.getByTestId('pricing-preview')
  await preview.waitFor()
  const cheaper = await preview.locator('[data-group=cheaper] li').allTextContents()
  expect(cheaper[0]).toContain('0.3x → 0.2x (6 → 4 credits) · 33% cheaper')
  expect(await preview.locator('[data-group=dearer] li').first().textContent()).toContain(
    '1.5x → 2.3x (30 → 46 credits) · 53% more expensive',
  )
  expect(await preview.locator('[data-group=kept] li').first().textContent()).toContain('GPT-OSS 120B')
  expect(await preview.locator('[data-group=deactivated] li').first().textContent()).toContain('whisper-large-v3-turbo')
  await shot('pricing-preview')

  await page.getByRole('button', { name: 'Apply update' }).click()
  await expect.poll(() => page.getByTestId('pricing-status').textContent()).toContain('Applied')
  await go(page, 'models')
  await expect.poll(() => llama.textContent()).toBe('4 credits')
  // the update takes whisper-large-v3-turbo off enhancement only: it still transcribes, per minute
  expect(await page.getByTestId('cloud-transcription-models').textContent()).toContain('whisper-large-v3-turbo')
  expect(await page.getByTestId('inactive-models').textContent()).not.toContain('whisper-large-v3-turbo')

  await go(page, 'pricing')
  expect(await page.getByTestId('pricing-history').locator('li').first().textContent()).toContain('Groq pricing update')
  await shot('pricing-history')
  await page.getByRole('button', { name: 'Undo last change' }).click()
  await expect.poll(() => page.getByTestId('pricing-status').textContent()).toContain('Undone')
  await go(page, 'models')
  await expect.poll(() => llama.textContent()).toBe('6 credits')
})

it('a malformed file shows the field and the reason, and changes nothing', async () => {
  const { page, core } = await open()
  await go(page, 'pricing')
  const bad = JSON.stringify({
    format: 'mp4totext-pricing-update',
    formatVersion: 1,
    date: '2026-01-01',
    title: 'bad',
    changes: [{ provider: 'groq', modelId: 'llama-3.1-8b-instant', multiplier: 250 }],
  })
  await page
    .getByTestId('pricing-file')
    .setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) })
  await expect
    .poll(() => page.getByTestId('pricing-status').textContent())
    .toContain('changes[0].multiplier: must be between 0x and 100x')
  expect(await page.getByTestId('pricing-preview').count()).toBe(0)
  expect(core.pricing.history()).toEqual([])
})

it('the editor changes one model with a reason', async () => {
  const { page } = await open()
  await go(page, 'pricing')
  await page.locator('select[name=model]').selectOption('groq/llama-3.1-8b-instant')
  await page.locator('input[name=multiplier]').fill('0.5')
  const save = page.getByRole('button', { name: 'Save edit' })
  expect(await save.isDisabled()).toBe(true)
  await page.locator('input[name=reason]').fill('Promo ended')
  await save.click()
  await expect
    .poll(() => page.getByTestId('pricing-status').textContent())
    .toContain('0.2x → 0.5x (4 → 10 credits, 150% more expensive)')
  await go(page, 'models')
  await expect
    .poll(() => page.locator('[data-key="groq/llama-3.1-8b-instant"] [data-testid=credits]').textContent())
    .toBe('10 credits')
})
