import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'

const open = useApp()

it('with no whisper model installed, the Transcribe page says what to do first', async () => {
  const { page } = await open()
  await go(page, 'transcribe')
  expect(await page.getByTestId('no-model').textContent()).toContain('Download one on the Models page first')
  await page.getByRole('button', { name: 'Open Models' }).click()
  await page.getByTestId('whisper-models').waitFor()
  expect(await page.locator('[data-model="large-v3-turbo"]').textContent()).toContain('1536 MiB')
  expect(await page.getByTestId('whisper-models').locator('li', { hasText: 'Recommended for this computer' }).count()).toBe(1)
})
