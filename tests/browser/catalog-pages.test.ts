import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'

const open = useApp()

it('models page: the picker shows the seed numbers, search and sort work, inactive models apart', async () => {
  const { page, shot } = await open()
  await go(page, 'models')
  const listbox = page.getByRole('listbox')
  await listbox.waitFor()
  expect(await page.getByRole('listbox').getByRole('option').count()).toBe(41)

  const row = page.locator('[data-key="groq/llama-3.1-8b-instant"]')
  expect(await row.textContent()).toContain('4 credits')
  expect(await row.textContent()).toContain('0.2x')
  // Groq's published figure with its source and date, not a speed tier
  expect(await row.textContent()).toContain('~840 tok/s published by Groq (Nov 2025)')
  expect(await row.textContent()).toContain('30 requests/min')
  const free = page.locator('[data-key="together/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free"]')
  expect(await free.textContent()).toContain('Free')
  expect(await page.locator('[data-key="together/deepseek-ai/DeepSeek-R1"]').textContent()).toMatch(
    /334 credits.*Reasoning.*Flagship/,
  )
  // gpt-5-pro costs 1000 = the whole starting balance: affordable; nothing is hidden either way
  expect(await page.locator('[data-key="openai/gpt-5-pro"]').getAttribute('aria-disabled')).toBe('false')

  // speech-to-text rows are in use for transcription, per minute: not "inactive"
  const cloud = page.getByTestId('cloud-transcription-models')
  expect(await cloud.textContent()).toContain('whisper-large-v3-turbo')
  expect(await cloud.textContent()).toContain('1 credit / min')
  expect(await page.getByTestId('inactive-models').textContent()).not.toContain('whisper-large-v3-turbo')
  await shot('models')

  await page.getByLabel('Search models').fill('gpt-oss')
  await expect.poll(() => page.getByRole('listbox').getByRole('option').count()).toBe(4)
  await page.getByLabel('Search models').fill('')
  await page.getByLabel('Sort by').selectOption('credits')
  const credits = await page.locator('[role=option] [data-testid=credits]').allTextContents()
  // one order across providers: the free Together model first, Groq's 4-credit model soon after
  expect(credits.slice(0, 3)).toEqual(['0 credits', '2 credits', '4 credits'])
  await page.getByRole('combobox', { name: 'Provider' }).selectOption('together')
  await expect.poll(() => page.getByRole('listbox').getByRole('option').count()).toBe(22)
  const togetherCredits = await page.locator('[role=option] [data-testid=credits]').allTextContents()
  expect(togetherCredits[0]).toBe('0 credits')
  expect(togetherCredits.at(-1)).toBe('334 credits')
  await page.getByLabel('Sort by').selectOption('name')
  const names = await page.locator('[role=option] .model-name').allTextContents()
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)))
})

it('shows unaffordable models, marked and unselectable, never hidden', async () => {
  const { page, core } = await open()
  await core.credits.adjustTo(30, 'test')
  await go(page, 'models')
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('30 credits')
  const pricey = page.locator('[data-key="groq/llama-3.3-70b-versatile"]')
  expect(await pricey.getAttribute('aria-disabled')).toBe('true')
  expect(await pricey.textContent()).toContain('Not enough credits')
  await pricey.click({ force: true })
  expect(await pricey.getAttribute('aria-selected')).toBe('false')
  expect(await page.getByRole('listbox').getByRole('option').count()).toBe(41)
  // low-balance warning under the default threshold of 100
  expect(await page.getByTestId('header-balance').textContent()).toContain('Low balance')
})

it('compare page shows 8 vs 8, 24 vs 24 and 58 / 0 / 46, from the catalog', async () => {
  const { page, shot, core } = await open()
  await go(page, 'compare')
  const pairs = page.getByTestId('same-model-pairs')
  await pairs.waitFor()
  expect(await pairs.getByTestId('groq-credits').allTextContents()).toEqual(['8 credits', '24 credits'])
  expect(await pairs.getByTestId('together-credits').allTextContents()).toEqual(['8 credits', '24 credits'])
  expect((await page.getByTestId('family-credits').allTextContents()).map((s) => s.trim())).toEqual([
    '58 credits',
    '46 credits',
    '0 credits Free',
  ])
  expect(await page.getByTestId('family-verdict').textContent()).toContain('20% cheaper')
  const features = await page.getByTestId('features').textContent()
  expect(features).toContain('394–1,000 tok/s published by Groq (Nov 2025)')
  expect(features).not.toContain('10x')
  expect(features).toContain('30 req/min')
  expect(features).toContain('DeepSeek R1, Qwen3 235B Thinking')
  await shot('compare')

  // change a multiplier in the store: the page follows without a restart
  await core.store.mutate((db) => {
    const m = db.catalog.models.find((x) => x.provider === 'groq' && x.modelId === 'llama-3.3-70b-versatile')!
    m.multiplierTenths = 20
  })
  core.events.emit('catalog.changed', { reason: 'test' })
  await expect.poll(() => page.getByTestId('family-verdict').textContent()).toContain('31% cheaper')
})

it('recommendations and summary are computed from the catalog', async () => {
  const { page, shot } = await open()
  await go(page, 'recommendations')
  const recs = page.getByTestId('recommendations')
  await recs.waitFor()
  const text = await recs.textContent()
  // batch processing follows its rule (cheapest paid model without a per-minute limit): Gemma 3n E4B
  for (const s of ['Instant chat', 'Llama 3.1 8B Instant', 'Gemma 3n E4B', '334 credits']) expect(text).toContain(s)
  await shot('recommendations')

  await go(page, 'summary')
  await page.getByTestId('provider-summary').waitFor()
  expect(await page.getByTestId('provider-summary').textContent()).toMatch(/OpenAI10\s*20 – 1,000/)
  expect(await page.getByTestId('cheapest').locator('li').allTextContents()).toEqual([
    'Together AI Llama 3.3 70B Free: 0 credits',
    'Together AI Gemma 3n E4B: 2 credits',
    'Groq Llama 3.1 8B Instant: 4 credits',
  ])
  expect(await page.getByTestId('most-expensive').locator('li').first().textContent()).toBe('OpenAI GPT-5 Pro: 1,000 credits')
  await shot('summary')
})

it('a top-up raises the header balance and lands in the ledger', async () => {
  const { page, shot } = await open()
  await go(page, 'credits')
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('1,000 credits')
  await page.getByLabel('Credits to add').fill('250')
  await page.getByLabel('Note (optional)').fill('Browser test')
  await page.getByRole('button', { name: 'Add credits' }).click()
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('1,250 credits')
  await expect.poll(() => page.getByTestId('ledger').locator('tbody tr').first().textContent()).toContain('Browser test')
  await shot('credits')
})

it('the low-balance threshold is a setting: raising it turns the header warning on', async () => {
  const { page, core } = await open()
  await go(page, 'settings')
  expect(await page.getByTestId('header-balance').textContent()).not.toContain('Low balance')
  const field = page.locator('input[name=lowBalanceThreshold]')
  await field.fill('abc')
  await field.press('Enter')
  expect(await page.getByTestId('setting-lowBalanceThreshold').textContent()).toContain('Not a valid value')
  expect(core.store.data.settings.lowBalanceThreshold).toBe(100)
  await field.fill('2000')
  await field.press('Enter')
  await expect.poll(() => page.getByTestId('header-balance').textContent()).toContain('Low balance')
})
