import { afterAll, beforeAll, expect, it } from 'vitest'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { hostileModelServer } from '../helpers/model-server'
import { go, useApp } from '../helpers/browser'

/** No English in the Turkish UI: what the app itself writes is worded in the page's language. */
let server: FakeLlmServer
beforeAll(async () => {
  server = await startFakeLlmServer({ apiKey: TEST_KEY })
})
afterAll(() => server.close())

const open = useApp({ locale: 'tr', env: () => envFor(server) })
const english = /\b(the|and|rejected|failed|Refund|more|Turkish|English|usable|Download|provider)\b/

it('a refund written while the UI was Turkish reads in Turkish; it reads in English after a switch; an old line keeps its text', async () => {
  const { page, core } = await open()
  server.fail({ model: 'llama-3.1-8b-instant', status: 401, body: { error: { message: 'Invalid API Key' } } })
  await go(page, 'enhance')
  await page.locator('textarea[name=transcript]').fill('bugün sürümü cuma günü çıkarmaya karar verdik.')
  await page.locator('[data-key="groq/llama-3.1-8b-instant"]').click()
  await page.getByRole('button', { name: 'İyileştir', exact: true }).click()
  await expect.poll(() => page.getByTestId('run').getAttribute('data-status')).toBe('failed')
  // a line from an older version, with only its English text
  await core.credits.topUp(5, 'Refund: an older line')
  await go(page, 'credits')
  const ledger = page.getByTestId('ledger')
  await ledger.waitFor()
  const refund = ledger.locator('tr', { hasText: 'Sağlayıcı API anahtarını kabul etmedi' })
  expect(await refund.count()).toBe(1)
  const text = (await refund.textContent())!
  expect(text).toContain('İade')
  expect(text).not.toMatch(english)
  expect(await ledger.textContent()).toContain('an older line')

  await go(page, 'settings')
  await page.locator('select[name=locale]').selectOption('en')
  await go(page, 'credits')
  await expect.poll(() => page.getByTestId('ledger').textContent()).toContain('The provider rejected the API key')
})

for (const locale of ['tr', 'en'] as const) {
  it(`a top-up that is too large says why at the field, with the limit in the page's number format (${locale})`, async () => {
    const { page, newPage } = await open()
    const p = locale === 'tr' ? page : await newPage({ locale })
    if (locale === 'en') {
      await go(p, 'settings')
      await p.locator('select[name=locale]').selectOption('en')
    }
    await go(p, 'credits')
    await p.locator('input[name=amount]').fill('99999999')
    const why = p.getByTestId('topup-why')
    await expect.poll(() => why.textContent()).toContain(locale === 'tr' ? '1.000.000' : '1,000,000')
    expect(await p.locator('input[name=amount]').getAttribute('aria-invalid')).toBe('true')
    expect(await p.getByRole('button', { name: locale === 'tr' ? 'Kredi ekle' : 'Add credits' }).isDisabled()).toBe(true)
    expect(await p.locator('main').textContent()).not.toMatch(/credits\.topUp|Too big|too_big/)
  })
}

it('the language lists name every language in Turkish: no raw code, no English name', async () => {
  const { page } = await open()
  await go(page, 'settings')
  // the list is filled once the settings arrive
  await expect.poll(() => page.locator('select[name=transcribeLanguage] option').count()).toBe(101)
  const options = await page
    .locator('select[name=transcribeLanguage] option')
    .evaluateAll((os) => os.map((o): [string, string] => [(o as HTMLOptionElement).value, o.textContent ?? '']))
  expect(options.length).toBe(101)
  const raw = options.filter(([code, name]) => name === code || /^[a-z]/.test(name))
  expect(raw).toEqual([])
  expect(options.find(([c]) => c === 'bo')?.[1]).toBe('Tibetçe')
  expect(options.find(([c]) => c === 'ba')?.[1]).toBe('Başkırtça')
  // the Enhance page's transcript language too: “English” is not a Turkish word
  await go(page, 'enhance')
  expect(await page.locator('select[name=lang] option').allTextContents()).toEqual(['Algıla', 'Türkçe', 'İngilizce'])
})

it('the built-in LLMs’ language badges are in Turkish', async () => {
  const { page } = await open()
  await go(page, 'models')
  const list = page.getByTestId('local-llm-models')
  await list.waitFor()
  const badges = await list.locator('.badge').allTextContents()
  const languages = badges.filter((b) => /Türkçe|İngilizce/.test(b))
  expect(languages.length).toBeGreaterThan(0)
  expect(badges.filter((b) => english.test(b))).toEqual([])
  // a list in Turkish has its commas: never “Türkçe İngilizce ve 27 dil daha”
  expect(languages).toContain('Türkçe, İngilizce ve 27 dil daha')
})

it('a whisper model download the mirror refuses says so once in Turkish, naming the mirror, not “the provider”', async () => {
  const mirror = await hostileModelServer()
  try {
    const { page, core } = await open()
    await core.store.mutate((db) => void (db.settings.modelBaseUrl = mirror.url))
    await go(page, 'models')
    await page
      .locator('[data-model=tiny]')
      .getByRole('button', { name: /^İndir: tiny/ })
      .click()
    const alert = page.locator('[data-model=tiny]').getByRole('alert')
    await expect.poll(() => alert.textContent()).toContain('404')
    const text = (await alert.textContent())!
    expect(text).toContain('indirme')
    expect(text).not.toMatch(/Sağlayıcı|Download failed/)
    // one sentence that says it failed, not "İndirme başarısız: … başarısız oldu"
    expect(text.match(/başarısız/g)).toHaveLength(1)
  } finally {
    await mirror.close()
  }
})

it('the speaker models’ training language is worded in Turkish, not “English-trained” in the model’s name', async () => {
  const { page } = await open()
  await go(page, 'models')
  const section = page.getByTestId('speaker-models')
  await section.locator('li').first().waitFor()
  const text = (await section.textContent())!
  expect(text).toContain('3D-Speaker CAM++ (VoxCeleb)')
  expect(text).toContain('İngilizce konuşmayla eğitildi')
  expect(text).not.toContain('English')
})
