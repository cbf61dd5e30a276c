import { afterAll, beforeAll, expect, it } from 'vitest'
import { audit } from '../helpers/axe-audit'
import { go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { startMediaSite, type MediaSite } from '../helpers/media-site'
import { useTempDirs } from '../helpers/temp-dir'
import { installMiniModel } from '../helpers/transcribe-env'

const tempDir = useTempDirs()
let site: MediaSite
beforeAll(async () => {
  site = await startMediaSite(makeMedia(tempDir(), 'talk.mp3', { seconds: 2 }), 'Ders kaydı v1.0')
})
afterAll(() => site?.close())

const open = useApp({
  prepare: async (dir) => void (await installMiniModel(dir)),
  // the system's yt-dlp, found on PATH as the app finds it
  env: () => ({ PATH: process.env.PATH ?? '' }),
})

const words = {
  en: {
    import: 'Import',
    continue: 'Continue',
    notice: 'sends a request to',
    done: 'it is in the queue below',
    notFound: 'Nothing was found at',
  },
  tr: {
    import: 'İçe aktar',
    continue: 'Devam et',
    notice: 'sitesine istek gönderir',
    done: 'aşağıdaki kuyrukta',
    notFound: 'bir şey bulunamadı',
  },
}

for (const locale of ['en', 'tr'] as const) {
  it(`${locale}: paste a link, agree to the notice once, see the download, and the job is done`, async () => {
    const w = words[locale]
    const { page, core, shot } = await open({ locale })
    await go(page, 'transcribe')
    const panel = page.getByTestId('url-import')
    await panel.locator('input[name=importUrl]').fill(`${site.url}/page.html`)
    await panel.getByRole('button', { name: w.import }).click()
    const notice = panel.getByTestId('url-import-notice')
    expect(await notice.textContent()).toContain(`${new URL(site.url).host}`)
    expect(await notice.textContent()).toContain(w.notice)
    const go_ = notice.getByRole('button', { name: w.continue })
    expect(await go_.isDisabled()).toBe(true)
    expect(await audit(page)).toEqual([])
    await shot(`url-import-notice-${locale}`)
    await notice.getByRole('checkbox').check()
    await go_.click()

    // the download's state, then the job in the queue
    const state = panel.getByTestId('url-import-state')
    await expect.poll(() => state.getAttribute('data-status'), { timeout: 120_000 }).toBe('done')
    expect(await state.textContent()).toContain(w.done)
    expect(await state.textContent()).toContain('Ders kaydı v1.0')
    const job = page.getByTestId('job').first()
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 120_000 }).toBe('done')
    expect(core.store.data.settings.urlImportNoticeAcknowledged).toBe(true)
    await shot(`url-import-done-${locale}`)

    // acknowledged once: the next link goes straight on; a 404 is worded in the page's language
    await panel.locator('input[name=importUrl]').fill(`${site.url}/gone.mp3`)
    await panel.getByRole('button', { name: w.import }).click()
    expect(await panel.getByTestId('url-import-notice').count()).toBe(0)
    await expect.poll(() => state.getAttribute('data-status'), { timeout: 60_000 }).toBe('failed')
    expect(await state.getByRole('alert').textContent()).toContain(w.notFound)
  }, 300_000)
}

it('a download in progress shows its bytes and can be cancelled; nothing is kept', async () => {
  const { page, core } = await open({ locale: 'en' })
  // acknowledged before, as the app would (every page hears the change)
  await core.handlers['settings.set']({ urlImportNoticeAcknowledged: true })
  await go(page, 'transcribe')
  const panel = page.getByTestId('url-import')
  await panel.locator('input[name=importUrl]').fill(`${site.url}/stalled.mp3`)
  await panel.getByRole('button', { name: 'Import' }).click()
  const state = panel.getByTestId('url-import-state')
  await expect.poll(() => state.getByRole('progressbar').getAttribute('aria-valuenow'), { timeout: 60_000 }).not.toBeNull()
  await expect.poll(() => state.textContent(), { timeout: 30_000 }).toContain('MB of 10')
  await state.getByRole('button', { name: 'Cancel download' }).click()
  await expect.poll(() => state.getAttribute('data-status')).toBe('cancelled')
  expect(core.transcription.jobs()).toEqual([])
}, 120_000)

it('Settings: the download limit is saved; the web host says updates come with the package (EN and TR)', async () => {
  const { page, core, newPage } = await open({ locale: 'en' })
  await go(page, 'settings')
  const limit = page.locator('input[name=urlImportMaxMB]')
  expect(await limit.inputValue()).toBe('2048')
  await limit.fill('500')
  await limit.press('Enter')
  await expect.poll(() => core.store.data.settings.urlImportMaxMB).toBe(500)
  const updates = page.getByTestId('updates-section')
  expect(await updates.getByTestId('updates-packaged').textContent()).toContain('updates with its package')
  expect(await updates.getByRole('button').count()).toBe(0)
  expect(await audit(page)).toEqual([])
  const tr = await newPage({ locale: 'tr' })
  await go(tr, 'settings')
  expect(await tr.getByTestId('updates-packaged').textContent()).toContain('paketiyle birlikte güncellenir')
  expect(await tr.getByTestId('updates-section').getByRole('heading').textContent()).toBe('Güncellemeler')
}, 120_000)

it("the download's state is right even when its first progress arrives before the answer to 'Import'", async () => {
  const { page, core } = await open({ locale: 'en' })
  await core.handlers['settings.set']({ urlImportNoticeAcknowledged: true })
  // a busy host or network: the call's answer comes a moment after the events it caused
  await page.route('**/api/call/urlImport.start', async (route) => {
    const res = await route.fetch()
    await new Promise((r) => setTimeout(r, 1500))
    await route.fulfill({ response: res })
  })
  await go(page, 'transcribe')
  const panel = page.getByTestId('url-import')
  await panel.locator('input[name=importUrl]').fill(`${site.url}/stalled.mp3`)
  await panel.getByRole('button', { name: 'Import' }).click()
  const state = panel.getByTestId('url-import-state')
  // the 10 MB length came with the first event, before the call's own (older) answer
  await expect.poll(() => state.textContent(), { timeout: 30_000 }).toContain('MB of 10')
  await state.getByRole('button', { name: 'Cancel download' }).click()
  await expect.poll(() => state.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled')
}, 120_000)
