import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'

/**
 * "the app as a new user meets it": one test per numbered item, each written to fail
 * on the code before the fix. Only Groq has a key here, so Together's models show what a
 * missing key looks like.
 */
let server: FakeLlmServer
beforeAll(async () => {
  server = await startFakeLlmServer({ apiKey: TEST_KEY, tokenDelayMs: 5 })
})
afterAll(() => server.close())

const open = useApp({ env: () => ({ GROQ_API_KEY: TEST_KEY, MP4TOTEXT_GROQ_BASE_URL: server.url }) })
const transcript = 'so um today we decided to ship the release on friday.'

/** WCAG contrast of an element's text against the first opaque background behind it. */
function contrastOf(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number)
    const lum = ([r, g, b]: number[]) =>
      [r!, g!, b!]
        .map((v) => v / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i]!, 0)
    let bg: number[] = []
    for (let n: Element | null = node; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor)
      if (c.length === 3 || (c.length === 4 && c[3]! > 0.9)) {
        bg = c
        break
      }
    }
    const [hi, lo] = [lum(rgb(getComputedStyle(node).color)), lum(bg.length ? bg : [255, 255, 255])].sort((a, b) => b - a)
    return (hi! + 0.05) / (lo! + 0.05)
  })
}

/** Is the element's centre the element itself (or inside it), not something painted over it? */
function onTop(page: Page, el: Locator): Promise<boolean> {
  return el.evaluate((node) => {
    const r = node.getBoundingClientRect()
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    return !!hit && (hit === node || node.contains(hit))
  })
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '')

it('in the dark theme, secondary buttons and links are readable (4.5:1)', async () => {
  const { page } = await open({ colorScheme: 'dark' })
  await go(page, 'settings')
  const test = page.getByRole('button', { name: 'Test key' }).first()
  expect(await contrastOf(test)).toBeGreaterThanOrEqual(4.5)
  await go(page, 'transcribe')
  const link = page.locator('main a').first()
  if (await link.count()) expect(await contrastOf(link)).toBeGreaterThanOrEqual(4.5)
})

it('on the Enhance page the Enhance button and its cost line are not covered by the model list', async () => {
  const { page } = await open({ viewport: { width: 1280, height: 800 } })
  await go(page, 'enhance')
  await page.getByRole('listbox').waitFor()
  expect(await onTop(page, page.getByRole('button', { name: 'Enhance', exact: true }))).toBe(true)
  expect(await onTop(page, page.getByTestId('enhance-cost'))).toBe(true)
  await page.mouse.wheel(0, 400)
  expect(await onTop(page, page.getByRole('button', { name: 'Enhance', exact: true }))).toBe(true)
})

it('"Open Models" from an empty Transcribe page lands on the transcription models', async () => {
  const { page } = await open({ viewport: { width: 1280, height: 800 } })
  await go(page, 'transcribe')
  await page.getByRole('button', { name: 'Open Models' }).click()
  const heading = page.getByRole('heading', { name: 'Transcription models', exact: true })
  await heading.waitFor()
  const box = (await heading.boundingBox())!
  expect(box.y + box.height).toBeLessThanOrEqual(800)
})

it('the Enhance page keeps its text, preset and result across pages; history brings the text back', async () => {
  const { page } = await open()
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill(transcript)
  await page.locator('select[name=preset]').selectOption('summary')
  await page.locator('[data-key="groq/llama-3.1-8b-instant"]').click()
  await page.getByRole('button', { name: 'Enhance', exact: true }).click()
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status'), { timeout: 15_000 }).toBe('done')
  await go(page, 'models')
  await go(page, 'enhance')
  expect(await page.locator('textarea[name=transcript]').inputValue()).toBe(transcript)
  expect(await page.locator('select[name=preset]').inputValue()).toBe('summary')
  expect(await page.getByTestId('run-text').textContent()).toBe(transcript.toUpperCase())
  // a fresh window: opening the run from history brings back its input as well as its output
  await page.reload()
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill('')
  await page.getByTestId('enhance-history').getByRole('button', { name: 'Open' }).first().click()
  await expect.poll(() => page.locator('textarea[name=transcript]').inputValue()).toBe(transcript)
})

it('a run still in flight when the user leaves finishes while away and is there on return', async () => {
  const { page } = await open()
  let release = () => {}
  server.fail({ model: 'llama-3.1-8b-instant', holdUntil: new Promise<void>((r) => (release = r)) })
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill(transcript)
  await page.locator('[data-key="groq/llama-3.1-8b-instant"]').click()
  await page.getByRole('button', { name: 'Enhance', exact: true }).click()
  await go(page, 'credits')
  release()
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toBe('996 credits')
  await go(page, 'enhance')
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status')).toBe('done')
  expect(await page.getByTestId('run-text').textContent()).toBe(transcript.toUpperCase())
})

it('the header and side menu stay in view, and a page opens at its top', async () => {
  const { page } = await open({ viewport: { width: 1280, height: 800 } })
  await go(page, 'settings')
  // the page is long only once its sections have loaded: scroll until it has moved far enough
  await page.locator('select[name=vadPaddingSec]').waitFor()
  await expect
    .poll(async () => {
      await page.mouse.wheel(0, 500)
      return page.evaluate(() => window.scrollY)
    })
    .toBeGreaterThan(300)
  expect((await page.getByTestId('header-balance').boundingBox())!.y).toBeGreaterThanOrEqual(0)
  const nav = page.getByRole('navigation').getByRole('link', { name: 'Models' })
  expect((await nav.boundingBox())!.y).toBeGreaterThanOrEqual(0)
  await nav.click()
  await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor()
  expect(await page.evaluate(() => window.scrollY)).toBe(0)
})

it('multipliers and the pricing editor follow the UI language (0,2x; "0,5" accepted)', async () => {
  const { page, newPage, core } = await open()
  await page.context().close()
  const tr = await newPage({ locale: 'tr' })
  await go(tr, 'models')
  expect(await tr.locator('[data-key="groq/llama-3.1-8b-instant"] .model-multiplier').textContent()).toBe('0,2x')
  await go(tr, 'pricing')
  await tr.locator('select[name=model]').selectOption('groq/llama-3.1-8b-instant')
  await tr.locator('input[name=multiplier]').fill('0,5')
  await tr.locator('input[name=reason]').fill('deneme')
  await tr.getByRole('button', { name: 'Düzenlemeyi kaydet' }).click()
  await expect.poll(() => core.catalog.active().find((m) => m.key === 'groq/llama-3.1-8b-instant')?.credits).toBe(10)
})

it('a provider error reads in Turkish in the Turkish UI (translated from its code)', async () => {
  const { page, newPage } = await open()
  await page.context().close()
  const tr = await newPage({ locale: 'tr' })
  server.fail({ model: 'llama-3.1-8b-instant', status: 401, body: { error: { message: 'Invalid API Key' } } })
  await go(tr, 'enhance')
  await tr.locator('textarea[name=transcript]').fill(transcript)
  await tr.locator('[data-key="groq/llama-3.1-8b-instant"]').click()
  await tr.getByRole('button', { name: 'İyileştir', exact: true }).click()
  await expect.poll(() => tr.getByTestId('run').getAttribute('data-status')).toBe('failed')
  const status = await tr.getByTestId('run-status').textContent()
  expect(status).toContain('Sağlayıcı API anahtarını kabul etmedi')
  expect(status).not.toMatch(/rejected|Settings/)
})

it('a model whose provider has no key says so in the list and points to Settings', async () => {
  const { page } = await open()
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill(transcript)
  const keyless = page.locator('[data-key="together/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free"]')
  // the keys' state arrives after the catalog: the row says so once it is known
  await expect.poll(() => keyless.textContent()).toContain('No API key')
  await keyless.click()
  await expect.poll(() => page.getByRole('button', { name: 'Enhance', exact: true }).isDisabled()).toBe(true)
  await expect.poll(() => page.getByTestId('enhance-cost').textContent()).toContain('Together AI')
  await page.getByTestId('enhance-cost').getByRole('link', { name: 'Settings' }).click()
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
})

it('Groq vs Together has a bottom line that counts the free Llama 3.3 70B, and a price for each side', async () => {
  const { page } = await open()
  await go(page, 'compare')
  const price = page.getByTestId('features').getByRole('row', { name: /^Price/ })
  expect(await price.textContent()).not.toContain('Model variety')
  const bottom = await page.getByTestId('bottom-line').textContent()
  expect(bottom).toContain('Llama 3.3 70B Free')
  expect(bottom).toContain('Groq')
})

it('no row looks selected before anything is chosen; a default model is the one highlighted row', async () => {
  const { page, core } = await open()
  await go(page, 'models')
  const options = page.getByRole('listbox').getByRole('option')
  const bg = (i: number) => options.nth(i).evaluate((n) => getComputedStyle(n).backgroundColor + getComputedStyle(n).boxShadow)
  expect(await bg(0)).toBe(await bg(1))
  await core.store.mutate((db) => void (db.settings.defaultEnhanceModel = 'groq/openai/gpt-oss-20b'))
  await page.reload()
  await go(page, 'enhance')
  await page.getByRole('listbox').waitFor()
  const looks = await options.evaluateAll((els) =>
    els.map((n) => getComputedStyle(n).backgroundColor + getComputedStyle(n).boxShadow),
  )
  const plain = looks.filter((l) => l === looks[looks.length - 1]).length
  expect(looks.length - plain).toBe(1)
})

it('sorting is global across providers, and every chat model has a speed figure', async () => {
  const { page } = await open()
  await go(page, 'models')
  await page.getByLabel('Sort by').selectOption('credits')
  const credits = (await page.locator('[role=option] [data-testid=credits]').allTextContents()).map((s) =>
    Number(s.replace(/\D/g, '')),
  )
  expect(credits).toEqual([...credits].sort((a, b) => a - b))
  expect(await page.getByRole('listbox').getByRole('option').first().getAttribute('data-key')).toBe(
    'together/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free',
  )
  await page.getByLabel('Sort by').selectOption('speed')
  const speeds = await page
    .locator('[role=option]')
    .evaluateAll((els) => els.map((e) => e.querySelector('[data-testid=speed]')?.textContent ?? ''))
  expect(speeds.filter((s) => s === '')).toEqual([])
})

it('the model list uses the page height instead of a small inner scroll box', async () => {
  const { page } = await open({ viewport: { width: 1280, height: 800 } })
  await go(page, 'models')
  const list = page.getByRole('listbox')
  const { client, scroll } = await list.evaluate((n) => ({ client: n.clientHeight, scroll: n.scrollHeight }))
  expect(scroll - client).toBeLessThanOrEqual(1)
})

it('search matches all words in any order', async () => {
  const { page } = await open()
  await go(page, 'models')
  await page.getByLabel('Search models').fill('qwen3 thinking')
  const options = page.getByRole('listbox').getByRole('option')
  await expect.poll(() => options.allTextContents()).toEqual([expect.stringContaining('Qwen3 235B Thinking')])
  // the provider's name counts as a word too
  await page.getByLabel('Search models').fill('thinking together')
  await expect.poll(() => options.count()).toBe(1)
})

it('focus moves to the new page heading, and to the result after Enhance', async () => {
  const { page } = await open()
  await go(page, 'transcribe')
  await page.getByRole('navigation').getByRole('link', { name: 'Groq vs Together' }).click()
  await expect.poll(() => focusedText(page)).toBe('Groq vs Together AI')
  await page.getByRole('navigation').getByRole('link', { name: 'Enhance' }).click()
  await expect.poll(() => focusedText(page)).toBe('Enhance a transcript')
  await page.locator('textarea[name=transcript]').fill(transcript)
  await page.locator('[data-key="groq/llama-3.1-8b-instant"]').click()
  await page.getByRole('button', { name: 'Enhance', exact: true }).click()
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status'), { timeout: 15_000 }).toBe('done')
  expect(await page.evaluate(() => document.activeElement?.closest('[data-testid=run]') !== null)).toBe(true)
})

it('every setting saves the same way, says "Saved" where it was changed, and the default model is chosen from the catalog', async () => {
  const { page, core } = await open()
  await go(page, 'settings')
  const threshold = page.locator('input[name=lowBalanceThreshold]')
  await threshold.fill('2000')
  await threshold.press('Tab')
  await expect.poll(() => core.store.data.settings.lowBalanceThreshold).toBe(2000)
  const field = page.getByTestId('setting-lowBalanceThreshold')
  await expect.poll(() => field.textContent()).toContain('Saved')
  expect(await page.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0)
  const model = page.getByLabel('Default model')
  expect(await model.evaluate((n) => n.tagName)).toBe('SELECT')
  await model.selectOption('groq/openai/gpt-oss-20b')
  await expect.poll(() => core.store.data.settings.defaultEnhanceModel).toBe('groq/openai/gpt-oss-20b')
  await expect.poll(() => page.getByTestId('setting-defaultEnhanceModel').textContent()).toContain('Saved')
})

it('the web host speaks the browser’s language on first start, not the server’s', async () => {
  const { page, newPage } = await open()
  await page.context().close()
  const tr = await newPage({ locale: 'tr' })
  expect(await tr.locator('main h1').first().textContent()).toBe('Transkript oluştur')
})
