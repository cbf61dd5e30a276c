import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { installMiniModel } from '../helpers/transcribe-env'

const en = useApp({ locale: 'en', prepare: async (dir) => void (await installMiniModel(dir)) })
const tr = useApp({ locale: 'tr', prepare: async (dir) => void (await installMiniModel(dir)) })

it(
  'Settings → Hardware: "Test this computer" measures the installed model and recommends it (English)',
  { timeout: 300_000 },
  async () => {
    const { page } = await en()
    await go(page, 'settings')
    const section = page.getByRole('region', { name: 'Hardware' })
    await expect.poll(() => section.getByTestId('hardware-chosen').textContent()).toMatch(/Transcription runs on: CPU/)
    // never a GPU where there is none
    expect(await section.textContent()).not.toMatch(/\(GPU\)/)
    await section.getByRole('button', { name: 'Test this computer' }).click()
    const results = section.getByTestId('hardware-results')
    await results.waitFor({ timeout: 280_000 })
    expect(await results.textContent()).toMatch(/mini-test.*CPU.*× real time/)
    expect(await section.getByTestId('hardware-recommended').textContent()).toBe('Recommended for this computer: mini-test')
  },
)

it('Ayarlar → Donanım: "Bu bilgisayarı test et" ölçer ve önerir (Türkçe)', { timeout: 300_000 }, async () => {
  const { page } = await tr()
  await go(page, 'settings')
  const section = page.getByRole('region', { name: 'Donanım' })
  await expect.poll(() => section.getByTestId('hardware-chosen').textContent()).toMatch(/Yazıya dökme şurada çalışıyor: İşlemci/)
  await section.getByRole('button', { name: 'Bu bilgisayarı test et' }).click()
  const results = section.getByTestId('hardware-results')
  await results.waitFor({ timeout: 280_000 })
  // Turkish number format: a decimal comma
  expect(await results.textContent()).toMatch(/mini-test.*Gerçek zamanın \d+,\d\d katı/)
  expect(await section.getByTestId('hardware-recommended').textContent()).toBe('Bu bilgisayar için önerilen: mini-test')
})
