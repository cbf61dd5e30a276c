import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { modelsDirOf } from '../../src/core/paths'
import { go, useApp } from '../helpers/browser'
import { envFor } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { specUpdateText } from '../helpers/pre-update-catalog'

let server: FakeLlmServer
beforeAll(async () => {
  server = await startFakeLlmServer()
})
afterAll(() => server.close())
const open = useApp({ env: () => envFor(server) })

type Lang = 'en' | 'tr'
/** The UI's language, switched as the user does it (Settings → Language). */
async function useLanguage(page: Page, lang: Lang): Promise<void> {
  await go(page, 'settings')
  await page.locator('select[name=locale]').selectOption(lang)
  await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lang)
}
const words = {
  en: {
    published: '~840 tok/s published by Groq (Nov 2025)',
    range: '394–1,000 tok/s published by Groq (Nov 2025)',
    notPublished: 'No published figure',
    ultra: 'Ultra fast',
    perMinute: '1 credit / min',
    rules: 'The rules are editorial',
    rule: 'Highest speed figure (measured here, else published)',
    download: 'Download: tiny',
    transcript: 'Transcript',
    amountWhy: 'whole number',
    enhancementLedger: 'GPT-OSS 20B (Groq)',
  },
  tr: {
    published: '~840 token/sn, Groq yayımladı (Kas 2025)',
    range: '394–1.000 token/sn, Groq yayımladı (Kas 2025)',
    notPublished: 'Yayımlanmış bir değer yok',
    ultra: 'Ultra hızlı',
    perMinute: '1 kredi / dk',
    rules: 'Kurallar editoryaldir',
    rule: 'En yüksek hız değeri (burada ölçülen, yoksa yayımlanan)',
    download: 'İndir: tiny',
    transcript: 'Transkript',
    amountWhy: 'tam sayı',
    enhancementLedger: 'GPT-OSS 20B (Groq)',
  },
} satisfies Record<Lang, Record<string, string>>

for (const lang of ['en', 'tr'] as const) {
  const w = words[lang]

  it(`${lang}: speed is a published figure with its source and date, never "10x" or "Ultra fast"`, async () => {
    const { page } = await open()
    await useLanguage(page, lang)
    await go(page, 'models')
    const row = page.locator('[role=option][data-key="groq/llama-3.1-8b-instant"]')
    await row.waitFor()
    expect(await row.textContent()).toContain(w.published)
    expect(await page.locator('main').textContent()).not.toContain(w.ultra)
    await go(page, 'compare')
    const features = page.getByTestId('features')
    await features.waitFor()
    const speedRow = features.locator('tr', { hasText: lang === 'en' ? 'Speed' : 'Hız' })
    expect(await speedRow.textContent()).toContain(w.range)
    expect(await speedRow.textContent()).toContain(w.notPublished)
    const main = (await page.locator('main').textContent()) ?? ''
    expect(main).not.toMatch(/10x|10 kat/)
    expect(main).not.toContain(w.ultra)
  })

  it(`${lang}: cloud transcription rows read per minute and are not "inactive", before and after the seed's update`, async () => {
    const { page, core } = await open()
    await useLanguage(page, lang)
    await go(page, 'models')
    const cloud = page.getByTestId('cloud-transcription-models')
    await cloud.waitFor()
    const turbo = cloud.locator('[data-key="groq/whisper-large-v3-turbo"]')
    expect(await turbo.textContent()).toContain(w.perMinute)
    expect(await page.getByTestId('inactive-models').locator('[data-key="groq/whisper-large-v3-turbo"]').count()).toBe(0)
    await core.pricing.apply(specUpdateText(), { confirmWarnings: true })
    await expect.poll(() => turbo.textContent()).toContain(w.perMinute)
    expect(core.catalog.get('groq', 'whisper-large-v3-turbo').active).toBe(true)
    expect(await page.getByTestId('inactive-models').locator('[data-key="groq/whisper-large-v3-turbo"]').count()).toBe(0)
  })

  it(`${lang}: the recommendations page says which parts are rules, and each rule`, async () => {
    const { page } = await open()
    await useLanguage(page, lang)
    await go(page, 'recommendations')
    await page.getByTestId('recommendations').waitFor()
    expect(await page.getByTestId('recommendations-intro').textContent()).toContain(w.rules)
    expect(await page.locator('[data-scenario=quickEnhancement]').textContent()).toContain(w.rule)
  })

  it(`${lang}: repeated controls name their item; the transcript box is named by its label; a refused top-up says why`, async () => {
    const { page } = await open()
    await useLanguage(page, lang)
    await go(page, 'models')
    await page.getByRole('button', { name: w.download, exact: true }).waitFor()
    await go(page, 'enhance')
    await page.getByRole('textbox', { name: w.transcript, exact: true }).waitFor()
    await go(page, 'credits')
    const amount = page.locator('input[name=amount]')
    await amount.fill('abc')
    const why = page.getByTestId('topup-why')
    expect(await why.textContent()).toContain(w.amountWhy)
    expect(await amount.getAttribute('aria-describedby')).toBe(await why.getAttribute('id'))
  })

  it(`${lang}: compare mode shows its picks, starts empty, tells two same-named models apart; the ledger names the provider`, async () => {
    const { page, core } = await open()
    await useLanguage(page, lang)
    await go(page, 'enhance')
    await page.locator('textarea[name=transcript]').fill('hello there. this is a short transcript.')
    const option = (key: string) => page.locator(`[role=option][data-key="${key}"]`)
    await option('groq/llama-3.1-8b-instant').click()
    expect(await option('groq/llama-3.1-8b-instant').getAttribute('aria-selected')).toBe('true')
    await page.locator('input[name=compareMode]').check()
    // the single-mode pick does not silently become a column
    expect(await page.getByTestId('compare-selection').count()).toBe(0)
    expect(await option('groq/llama-3.1-8b-instant').getAttribute('aria-selected')).toBe('false')
    await option('groq/openai/gpt-oss-20b').click()
    await option('together/openai/gpt-oss-20b').click()
    for (const key of ['groq/openai/gpt-oss-20b', 'together/openai/gpt-oss-20b']) {
      // aria-selected is also what draws the highlight (styles.css)
      expect(await option(key).getAttribute('aria-selected')).toBe('true')
    }
    const picked = await page.getByTestId('compare-selection').locator('li').allTextContents()
    expect(picked[0]).toContain('GPT-OSS 20B (Groq)')
    expect(picked[1]).toContain('GPT-OSS 20B (Together AI)')

    await core.enhance.run({ text: 'hello there.', provider: 'groq', modelId: 'openai/gpt-oss-20b', preset: 'cleanup' })
    await go(page, 'credits')
    await expect.poll(() => page.getByTestId('ledger').locator('tbody tr').first().textContent()).toContain(w.enhancementLedger)
  })

  it(`${lang}: an imported whisper model gets no invented speed or accuracy badge`, async () => {
    const { page, core, dataDir } = await open()
    const dir = modelsDirOf(dataDir, core.store.data.settings)
    mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, 'ggml-my-own.bin'), Buffer.alloc(1024))
    await useLanguage(page, lang)
    await go(page, 'models')
    const mine = page.locator('[data-model="my-own"]')
    await mine.waitFor()
    const text = (await mine.textContent()) ?? ''
    expect(text).not.toMatch(lang === 'en' ? /Medium speed|Good accuracy/ : /Orta hız|İyi doğruluk/)
  })
}
