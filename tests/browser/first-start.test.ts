import path from 'node:path'
import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { MINI, writeGgmlModel } from '../helpers/ggml-model'
import { makeMedia } from '../helpers/media'
import { modelServer } from '../helpers/model-server'

/**
 * A new user's first minutes, in both languages: a fresh data folder, no whisper model, no API
 * key anywhere (neither in the environment nor stored).
 */
const open = useApp()

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
    await p.getByTestId('media-input').setInputFiles(makeMedia(dataDir, 'toplantı.wav', { seconds: 3 }))
    const confirm = p.getByTestId('cloud-confirm')
    await confirm.waitFor()
    const alert = confirm.getByRole('alert')
    await expect.poll(() => alert.textContent()).toContain(w.noKey)
    expect(await alert.textContent()).not.toMatch(/GROQ_API_KEY|groq:/)
    expect(await confirm.getByRole('button', { name: w.start, exact: true }).isDisabled()).toBe(true)
    await confirm.getByRole('button', { name: w.openSettings }).click()
    await p.getByRole('heading', { name: w.settings, level: 1 }).waitFor()
    expect(core.store.data.jobs).toEqual([])
  })
}
