import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { chooseMedia, go, useApp } from '../helpers/browser'
import { TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer } from '../helpers/fake-llm-server'
import { MINI, writeGgmlModel } from '../helpers/ggml-model'
import { makeMedia } from '../helpers/media'
import { modelServer } from '../helpers/model-server'
import { specUpdatePath } from '../helpers/pre-update-catalog'

/**
 * A new user's first minutes, in both languages: a fresh data folder, no whisper model, no API
 * key anywhere (neither in the environment nor stored).
 */
/** the environment of the next app opened: none, unless a test sets one */
let env: NodeJS.ProcessEnv = {}
const opener = useApp({ env: () => env })
const open: typeof opener = (view) => {
  env = {}
  return opener(view)
}
const openWithGroqUrl = (url: string) => {
  env = { MP4TOTEXT_GROQ_BASE_URL: url }
  return opener()
}

const words = {
  en: {
    download: (name: string) => `Download ${name}`,
    cancelDownload: 'Cancel download',
    importLabel: 'Import a model file (.bin)',
    noKey: 'Groq has no API key yet',
    openSettings: 'Open Settings',
    start: 'Start',
    settings: 'Settings',
  },
  tr: {
    download: (name: string) => `${name} modelini indir`,
    cancelDownload: 'İndirmeyi iptal et',
    importLabel: 'Model dosyası içe aktar (.bin)',
    noKey: 'Groq için henüz API anahtarı yok',
    openSettings: 'Ayarları aç',
    start: 'Başlat',
    settings: 'Ayarlar',
  },
} as const

for (const locale of ['en', 'tr'] as const) {
  const w = words[locale]

  it(`1 (${locale}): with no local model the page offers the recommended download (size, progress, time left) or an import, and preselects no cloud model`, async () => {
    let release = () => {}
    const host = await modelServer(Buffer.alloc(8 * 1048576, 7), {
      hold: { bytes: 1048576, until: new Promise<void>((r) => (release = r)) },
    })
    try {
      const { page, core, dataDir, newPage } = await open()
      await core.store.mutate((db) => void (db.settings.modelBaseUrl = host.url))
      const p = locale === 'en' ? page : await newPage({ locale })
      await go(p, 'transcribe')
      // no model is chosen for the user: least of all one that sends the audio away and costs credits
      expect(await p.locator('select[name=whisperModel]').inputValue()).toBe('')
      expect(await p.getByTestId('media-input').isDisabled()).toBe(true)

      const recommended = (await core.models.list()).find((m) => m.recommended)!
      const card = p.getByTestId('no-model')
      expect(await card.textContent()).toContain(`${recommended.sizeMiB} MiB`)
      await card.getByRole('button', { name: w.download(recommended.name) }).click()
      const bar = card.getByRole('progressbar')
      await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('13')
      // received / total and the time left, as the model list shows them
      expect(await card.textContent()).toMatch(/1 \/ 8 MiB/)
      await card.getByRole('button', { name: w.cancelDownload }).click()
      await expect.poll(() => bar.count()).toBe(0)

      // or bring one's own file: it is installed and chosen at once
      const file = path.join(dataDir, 'ggml-mini-test.bin')
      await writeGgmlModel(file, MINI)
      await card.getByLabel(w.importLabel).setInputFiles(file)
      await expect.poll(() => p.locator('select[name=whisperModel]').inputValue()).toBe('mini-test')
      expect(await p.getByTestId('no-model').count()).toBe(0)
      expect(await p.getByTestId('media-input').isDisabled()).toBe(false)
    } finally {
      release()
      await host.close()
    }
  })

  it(`1 (${locale}): a cloud model without a key is stopped in "Before it starts", with a way to Settings`, async () => {
    const { page, dataDir, newPage, core } = await open()
    const p = locale === 'en' ? page : await newPage({ locale })
    await go(p, 'transcribe')
    await p.locator('select[name=whisperModel]').selectOption('groq/whisper-large-v3-turbo')
    await chooseMedia(p, makeMedia(dataDir, 'toplantı.wav', { seconds: 3 }))
    const confirm = p.getByTestId('cloud-confirm')
    await confirm.waitFor()
    const alert = confirm.getByRole('alert')
    await expect.poll(() => alert.textContent()).toContain(w.noKey)
    expect(await alert.textContent()).not.toMatch(/GROQ_API_KEY|groq:/)
    expect(await confirm.getByRole('button', { name: w.start, exact: true }).isDisabled()).toBe(true)
    await confirm.getByRole('button', { name: w.openSettings }).click()
    await p.getByRole('heading', { name: w.settings, level: 1 }).waitFor()
    expect(core.library.jobs.all()).toEqual([])
  })
}

const keyWords = {
  en: {
    save: 'Save key',
    keySet: 'Key set',
    works: 'Works:',
    envUrl: 'Set by MP4TOTEXT_GROQ_BASE_URL',
    notSent: 'is not sent to',
  },
  tr: {
    save: 'Anahtarı kaydet',
    keySet: 'Anahtar tanımlı',
    works: 'Çalışıyor:',
    envUrl: 'MP4TOTEXT_GROQ_BASE_URL ile ayarlı',
    notSent: 'gönderilmez',
  },
} as const

for (const locale of ['en', 'tr'] as const) {
  const w = keyWords[locale]

  it(`2 (${locale}): the web host takes a key in Settings, keeps it at 0600 in the data folder (not in db.json), and says when the environment sets the base URL`, async () => {
    const server = await startFakeLlmServer({ apiKey: TEST_KEY })
    try {
      const app = await openWithGroqUrl(server.url)
      const p = locale === 'en' ? app.page : await app.newPage({ locale })
      await go(p, 'settings')
      const row = p.getByTestId('provider-keys').getByRole('row', { name: /Groq/ })
      await row.locator('input[name=key-groq]').fill(TEST_KEY)
      await row.getByRole('button', { name: w.save }).click()
      await expect.poll(() => row.textContent()).toContain(w.keySet)
      await row.getByRole('button', { name: /Test key|test et/ }).click()
      await expect.poll(() => row.getByRole('status').textContent()).toContain(w.works)
      expect(server.requests.some((r) => r.authorization === `Bearer ${TEST_KEY}`)).toBe(true)
      // beside the base URL field: the environment's URL wins, and says so
      expect(await p.getByTestId('baseUrl-groq-env').textContent()).toContain(w.envUrl)
      expect(await p.getByTestId('baseUrl-groq-env').textContent()).toContain(server.url)

      const stored = readdirSync(app.dataDir).filter((f) => /key/i.test(f))
      expect(stored).toEqual(['web-keys.json'])
      expect(statSync(path.join(app.dataDir, 'web-keys.json')).mode & 0o777).toBe(0o600)
      expect(readFileSync(path.join(app.dataDir, 'db.json'), 'utf8')).not.toContain(TEST_KEY)
    } finally {
      await server.close()
    }
  })

  it(`2 (${locale}): a key saved in the web host goes only to the base URL it was entered for`, async () => {
    const home = await startFakeLlmServer({ apiKey: TEST_KEY })
    const other = await startFakeLlmServer({ apiKey: TEST_KEY })
    try {
      const { page, newPage } = await open()
      const p = locale === 'en' ? page : await newPage({ locale })
      await go(p, 'settings')
      const url = p.locator('input[name=baseUrl-openai]')
      await url.fill(`${home.url}/v1`)
      await url.press('Tab')
      const row = p.getByTestId('provider-keys').getByRole('row', { name: /OpenAI/ })
      await expect.poll(() => row.textContent()).not.toContain(w.keySet)
      await row.locator('input[name=key-openai]').fill(TEST_KEY)
      await row.getByRole('button', { name: w.save }).click()
      await expect.poll(() => row.textContent()).toContain(w.keySet)
      await url.fill(`${other.url}/v1`)
      await url.press('Tab')
      await expect.poll(() => p.getByTestId('setting-baseUrl-openai').textContent()).toMatch(/Saved|Kaydedildi/)
      await row.getByRole('button', { name: /Test key|test et/ }).click()
      await expect.poll(() => row.getByRole('status').textContent()).toContain(w.notSent)
      expect(other.requests.filter((r) => r.authorization?.includes(TEST_KEY))).toEqual([])
    } finally {
      await home.close()
      await other.close()
    }
  })
}

const healthWords = {
  en: { unavailable: 'No longer offered', since: 'since', checkAgain: 'Check again', enhance: 'Enhance' },
  tr: { unavailable: 'Artık sunulmuyor', since: 'tarihinden beri', checkAgain: 'Tekrar kontrol et', enhance: 'İyileştir' },
} as const

for (const locale of ['en', 'tr'] as const) {
  const w = healthWords[locale]

  it(`3 (${locale}): a 404 marks a model with its date; "Check again" clears it; the mark expires after 24 h; Groq vs Together keeps its lines`, async () => {
    const server = await startFakeLlmServer({ apiKey: TEST_KEY, models: ['llama-3.1-8b-instant'] })
    try {
      env = { GROQ_API_KEY: TEST_KEY, MP4TOTEXT_GROQ_BASE_URL: server.url }
      const { page, newPage, core } = await opener()
      const p = locale === 'en' ? page : await newPage({ locale })
      await go(p, 'compare')
      const before = await p.getByTestId('features').textContent()
      const bottomBefore = await p.getByTestId('bottom-line').textContent()

      server.fail({ model: 'llama-3.1-8b-instant', status: 404, body: { error: { message: 'model not found' } } })
      await go(p, 'enhance')
      await p.locator('textarea[name=transcript]').fill('so um we ship on friday.')
      await p.locator('[data-key="groq/llama-3.1-8b-instant"]').click()
      await p.getByRole('button', { name: w.enhance, exact: true }).click()
      await expect.poll(() => p.getByTestId('run').getAttribute('data-status'), { timeout: 15_000 }).toBe('failed')

      await go(p, 'compare')
      await expect.poll(() => p.getByTestId('features').textContent()).toBe(before)
      expect(await p.getByTestId('bottom-line').textContent()).toBe(bottomBefore)

      await go(p, 'models')
      const row = p.getByRole('listbox').locator('[data-key="groq/llama-3.1-8b-instant"]')
      await expect.poll(() => row.textContent()).toContain(w.unavailable)
      expect(await row.textContent()).toContain(w.since)
      const marked = p.getByTestId('unavailable-models').locator('[data-key="groq/llama-3.1-8b-instant"]')
      await marked.getByRole('button', { name: w.checkAgain }).click()
      await expect.poll(() => row.textContent(), { timeout: 15_000 }).not.toContain(w.unavailable)
      expect(core.store.data.unavailableModels).toEqual({})
      expect(await p.getByTestId('unavailable-models').count()).toBe(0)

      // a mark from yesterday no longer holds the model back
      const yesterday = new Date(Date.now() - 25 * 3600_000).toISOString()
      await core.store.mutate((db) => {
        db.unavailableModels['groq/llama-3.1-8b-instant'] = { at: yesterday, message: 'gone' }
      })
      await p.reload()
      await go(p, 'models')
      await row.waitFor()
      expect(await row.textContent()).not.toContain(w.unavailable)
    } finally {
      await server.close()
    }
  }, 120_000)
}

const priceWords = {
  en: { perMinute: '1 credit / min', stillTranscribes: 'still transcribes' },
  tr: { perMinute: '1 kredi / dk', stillTranscribes: 'yazıya dökmeye devam eder' },
} as const

for (const locale of ['en', 'tr'] as const) {
  const w = priceWords[locale]

  it(`8 (${locale}): a per-minute price reads per minute, and the seed's pricing update leaves cloud transcription on`, async () => {
    const { page, newPage } = await open()
    const p = locale === 'en' ? page : await newPage({ locale })
    await go(p, 'models')
    const row = p.getByTestId('cloud-transcription-models').locator('[data-testid=credits]').first()
    await row.waitFor()
    const turbo = p.locator('li', { has: p.locator('code', { hasText: /^whisper-large-v3-turbo$/ }) })
    expect(await turbo.locator('[data-testid=credits]').textContent()).toBe(w.perMinute)

    await go(p, 'pricing')
    await p.getByTestId('pricing-file').setInputFiles(specUpdatePath)
    const preview = p.getByTestId('pricing-preview')
    await preview.waitFor()
    expect(await preview.locator('[data-group=deactivated] li').first().textContent()).toContain(w.stillTranscribes)
    await p.getByRole('button', { name: locale === 'en' ? 'Apply update' : 'Güncellemeyi uygula' }).click()
    await expect.poll(() => p.getByTestId('pricing-status').textContent()).toBeTruthy()
    await go(p, 'transcribe')
    // still offered: the option is there once the catalog has loaded
    const cloudOption = p.locator('select[name=whisperModel] option[value="groq/whisper-large-v3-turbo"]')
    await cloudOption.waitFor({ state: 'attached' })
    expect(await cloudOption.count()).toBe(1)
  })
}
