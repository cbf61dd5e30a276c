import { afterAll, beforeAll, expect, it } from 'vitest'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { go, useApp } from '../helpers/browser'

let server: FakeLlmServer
beforeAll(async () => {
  // slow enough to watch the text arrive piece by piece
  server = await startFakeLlmServer({ apiKey: TEST_KEY, tokenDelayMs: 60, wordsPerChunk: 2 })
})
afterAll(() => server.close())

const open = useApp({ env: () => envFor(server) })
const transcript = 'so um today we decided to ship the release on friday. ayşe will write the notes and mehmet checks the build.'

it('pick a model, enhance, watch the text stream, and see exactly its credits leave the balance', async () => {
  const { page, shot } = await open()
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill(transcript)
  await page.getByLabel('Search models').fill('gpt-oss-120b')
  await page.locator('[data-key="groq/openai/gpt-oss-120b"]').click()
  expect(await page.getByTestId('enhance-cost').textContent()).toBe('Costs 24 credits · balance 1,000 credits')
  await page.getByRole('button', { name: 'Enhance', exact: true }).click()

  const text = page.getByTestId('run-text')
  // while running, the text is there but not complete yet
  await expect.poll(async () => (await text.textContent())!.length).toBeGreaterThan(0)
  expect(await page.getByTestId('run').getAttribute('data-status')).toBe('running')
  expect((await text.textContent())!.length).toBeLessThan(transcript.length)
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status'), { timeout: 15_000 }).toBe('done')
  expect(await text.textContent()).toBe(transcript.toUpperCase())
  expect(await page.getByTestId('run-stats').textContent()).toMatch(
    /^24 credits · first token \d[\d,]* ms · [\d,]+ tok\/s · [\d,]+ ms total$/,
  )
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('976 credits')
  await shot('enhance-done')
  await expect.poll(() => page.getByTestId('enhance-history').locator('tr').count()).toBe(1)
})

it('a rate-limited request says so while it waits, then the run finishes, charged once', async () => {
  const { page } = await open()
  server.fail({ model: 'openai/gpt-oss-120b', status: 429, headers: { 'retry-after': '3' } })
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill(transcript)
  await page.getByLabel('Search models').fill('gpt-oss-120b')
  await page.locator('[data-key="groq/openai/gpt-oss-120b"]').click()
  await page.getByRole('button', { name: 'Enhance', exact: true }).click()
  const status = page.getByTestId('run-status')
  await expect
    .poll(() => status.textContent())
    .toBe("The provider's rate limit was reached: trying again in 3 s (attempt 2 of 4).")
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status'), { timeout: 15_000 }).toBe('done')
  expect(await status.textContent()).toBe('Done')
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('976 credits')
})

it('a failing model leaves the balance unchanged, shows the message, and is marked unavailable; a free one is not "refunded"', async () => {
  const { page, shot } = await open()
  server.fail({ model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', status: 404, body: { error: { message: 'model not found' } } })
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill(transcript)
  const row = page.locator('[data-key="together/meta-llama/Llama-3.3-70B-Instruct-Turbo"]')
  await row.click()
  await page.getByRole('button', { name: 'Enhance', exact: true }).click()
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status')).toBe('failed')
  expect(await page.getByTestId('run-status').textContent()).toContain('The provider no longer offers this model')
  expect(await page.getByTestId('run-status').textContent()).toContain('credits were refunded')
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('1,000 credits')
  await expect.poll(() => row.textContent()).toContain('No longer offered')
  expect(await row.getAttribute('aria-disabled')).toBe('true')
  await shot('enhance-failed')

  // a free model took nothing, so nothing is "refunded"
  const free = 'meta-llama/Llama-3.3-70B-Instruct-Turbo-Free'
  server.fail({ model: free, status: 404, body: { error: { message: 'model not found' } } })
  await page.locator(`[data-key="together/${free}"]`).click()
  await page.getByRole('button', { name: 'Enhance', exact: true }).click()
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status')).toBe('failed')
  const status = await page.getByTestId('run-status').textContent()
  expect(status).toContain('nothing was charged')
  expect(status).not.toContain('refunded')
})

it('not enough credits: the row says so and cannot be picked, and the Enhance button stays off', async () => {
  const { page, core } = await open()
  await core.credits.adjustTo(10, 'test')
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill(transcript)
  await page.getByLabel('Search models').fill('gpt-oss-120b')
  const row = page.locator('[data-key="groq/openai/gpt-oss-120b"]')
  await expect.poll(() => row.textContent()).toContain('Not enough credits')
  expect(await row.getAttribute('aria-disabled')).toBe('true')
  expect(await row.getAttribute('aria-selected')).not.toBe('true')
  expect(await page.getByTestId('enhance-cost').textContent()).toBe('Pick a model first.')
  expect(await page.getByRole('button', { name: 'Enhance', exact: true }).isDisabled()).toBe(true)
  // an affordable one is picked, and the line gives its cost against the balance
  await page.getByLabel('Search models').fill('gpt-oss-20b')
  await page.locator('[data-key="groq/openai/gpt-oss-20b"]').click()
  expect(await page.getByTestId('enhance-cost').textContent()).toBe('Costs 8 credits · balance 10 credits')
  expect(await page.getByRole('button', { name: 'Enhance', exact: true }).isDisabled()).toBe(false)
})

it('compares two models side by side, each charged', async () => {
  const { page, shot } = await open()
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill('compare this sentence please.')
  await page.getByLabel('Compare 2–4 models side by side').check()
  await page.getByLabel('Search models').fill('gpt-oss-20b')
  await page.locator('[data-key="groq/openai/gpt-oss-20b"]').click()
  await page.locator('[data-key="together/openai/gpt-oss-20b"]').click()
  expect(await page.getByTestId('enhance-cost').textContent()).toBe('Costs 16 credits in all · balance 1,000 credits')
  await page.getByRole('button', { name: 'Run comparison' }).click()
  await expect.poll(() => page.locator('[data-testid=run][data-status=done]').count(), { timeout: 15_000 }).toBe(2)
  expect(await page.getByTestId('run-text').allTextContents()).toEqual([
    'COMPARE THIS SENTENCE PLEASE.',
    'COMPARE THIS SENTENCE PLEASE.',
  ])
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('984 credits')
  await shot('enhance-compare')
})

it('settings show whether keys are set, never the keys', async () => {
  const { page } = await open()
  await go(page, 'settings')
  const table = page.getByTestId('provider-keys')
  await expect.poll(() => table.locator('tr').count()).toBe(5)
  const text = await table.textContent()
  expect(text).toContain('Key set')
  expect(text).not.toContain(TEST_KEY)
  expect(await page.content()).not.toContain(TEST_KEY)
  await table.locator('tr', { hasText: 'Groq' }).getByRole('button', { name: 'Test key' }).click()
  await expect
    .poll(() => table.locator('tr', { hasText: 'Groq' }).getByRole('status').textContent())
    .toBe('Works: 2 models available')
})
