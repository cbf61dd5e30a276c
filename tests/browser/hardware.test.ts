import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { installMiniModel } from '../helpers/transcribe-env'
import type { BackendProbe } from '../../src/shared/calls/hardware-calls'

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

/** What the probe finds on a machine with Mesa's software Vulkan (lavapipe) and no GPU, as the core reports it. */
const lavapipe: BackendProbe[] = [
  { backend: 'cpu', installed: true, usable: true, devices: [], reason: null },
  {
    backend: 'vulkan',
    installed: true,
    usable: true,
    devices: [{ backend: 'vulkan', index: 0, name: 'llvmpipe (LLVM 15.0.6, 256 bits)', kind: 'software' }],
    reason: 'the only Vulkan device (llvmpipe (LLVM 15.0.6, 256 bits)) is a CPU implementation, not a GPU',
    why: { key: 'software-only' },
  },
  {
    backend: 'cuda',
    installed: true,
    usable: false,
    devices: [],
    reason: 'no NVIDIA GPU or driver found (nvidia-smi lists none)',
    why: { key: 'no-nvidia' },
  },
]
const whyWords = {
  en: {
    open: en,
    region: 'Hardware',
    fallback:
      'Not on a GPU: Vulkan: its only device is a software implementation on the processor, not a GPU; CUDA: no NVIDIA GPU or driver found; Metal: its build did not start.',
    detail: 'Details (Metal): dlopen failed: libMetal.dylib',
    cpu: /Transcription runs on: CPU — .+ \(\d+ threads?\) \(processor\)/,
  },
  tr: {
    open: tr,
    region: 'Donanım',
    fallback:
      'GPU kullanılmıyor: Vulkan: tek aygıtı işlemci üzerinde çalışan bir yazılım uygulaması, GPU değil; CUDA: NVIDIA GPU’su ya da sürücüsü bulunamadı; Metal: derlemesi başlatılamadı.',
    detail: 'Ayrıntı (Metal): dlopen failed: libMetal.dylib',
    cpu: /Yazıya dökme şurada çalışıyor: İşlemci \(CPU\) — .+ \(\d+ iş parçacığı\) \(işlemci\)/,
  },
}
for (const locale of ['en', 'tr'] as const) {
  const w = whyWords[locale]
  it(`why the GPU is not used is worded in the page's language, the system's own words a details line apart (${locale})`, async () => {
    const { page, core } = await w.open()
    const metal: BackendProbe = {
      backend: 'metal',
      installed: true,
      usable: true,
      devices: [{ backend: 'metal', index: 0, name: 'Apple GPU (Metal)', kind: 'gpu' }],
      reason: null,
    }
    core.hardware.probes = async () => [...lavapipe, metal]
    core.hardware.noteFailure('metal', 'dlopen failed: libMetal.dylib')
    await go(page, 'settings')
    const section = page.getByRole('region', { name: w.region })
    await expect.poll(() => section.getByTestId('hardware-fallback').textContent()).toBe(w.fallback)
    expect(await section.getByTestId('hardware-fallback-detail').textContent()).toBe(w.detail)
    expect(await section.getByTestId('hardware-chosen').textContent()).toMatch(w.cpu)
    if (locale === 'tr') expect(await section.textContent()).not.toMatch(/CPU implementation|threads|not a GPU|did not start/)
  })
}
