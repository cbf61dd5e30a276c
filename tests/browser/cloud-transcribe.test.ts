import { afterAll, beforeAll, expect, it } from 'vitest'
import { type FakeSttServer, startFakeSttServer } from '../helpers/fake-stt-server'
import { audit } from '../helpers/axe-audit'
import { chooseMedia, go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { installMiniModel } from '../helpers/transcribe-env'

const KEY = 'gsk-browser-test-0123456789'
let fake: FakeSttServer
beforeAll(async () => {
  fake = await startFakeSttServer({ apiKey: KEY })
})
afterAll(async () => fake?.close())

const open = useApp({
  prepare: async (dir) => void (await installMiniModel(dir)),
  // the server key is given for this server, as the user starting the app would give it
  env: () => ({ GROQ_API_KEY: KEY, MP4TOTEXT_GROQ_BASE_URL: fake.url, MP4TOTEXT_SERVER_KEY: KEY, MP4TOTEXT_SERVERS: fake.url }),
})

it('pick a cloud model, see the cost, acknowledge the notice, transcribe; the balance drops once', async () => {
  const { page, core, dataDir, shot } = await open()
  await go(page, 'transcribe')
  const before = core.credits.state().balance
  await page.locator('select[name=whisperModel]').selectOption('groq/whisper-large-v3-turbo')
  expect(await page.getByTestId('cloud-rate').textContent()).toBe('1 credit per started minute')

  // 90 s: two started minutes, 2 credits
  await chooseMedia(page, makeMedia(dataDir, 'ders.wav', { seconds: 90, sampleRate: 16_000 }))
  const confirm = page.getByTestId('cloud-confirm')
  await confirm.waitFor()
  expect(await confirm.getByTestId('cloud-estimate').textContent()).toContain('2 min → 2 credits')
  expect(await confirm.getByTestId('cloud-notice').textContent()).toContain("sends this file's audio to Groq")
  const start = confirm.getByRole('button', { name: 'Start' })
  expect(await start.isDisabled()).toBe(true)
  expect(await audit(page)).toEqual([])
  await shot('cloud-transcribe-confirm')
  await confirm.getByRole('checkbox').check()
  await start.click()

  const job = page.getByTestId('job').first()
  await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('done')
  await expect.poll(() => page.getByTestId('header-balance-value').textContent()).toContain(String(before - 2))
  expect(fake.requests).toHaveLength(1)
  const ledger = core.store.data.credits.ledger
  expect(ledger.filter((e) => e.type === 'charge')).toHaveLength(1)
  expect(ledger.filter((e) => e.type === 'refund')).toHaveLength(0)
  expect(core.store.data.settings.cloudNoticeAcknowledged).toEqual(['groq'])

  // acknowledged once per receiver: the next file asks only for the cost
  await chooseMedia(page, makeMedia(dataDir, 'kısa.wav', { seconds: 20, sampleRate: 16_000 }))
  await confirm.waitFor()
  expect(await confirm.getByTestId('cloud-notice').count()).toBe(0)
  await confirm.getByRole('button', { name: 'Start' }).click()
  await expect.poll(() => core.store.data.credits.ledger.filter((e) => e.type === 'charge').length).toBe(2)
})

it("a server added in Settings (after its notice, asked only for a valid address) takes the local model's files, at 0 credits", async () => {
  const { page, core, dataDir } = await open()
  await go(page, 'settings')
  const section = page.getByTestId('servers-section')
  const add = section.getByRole('button', { name: 'Add server' })
  // no consent is asked for an address that is not one: the field says what it needs instead
  await section.locator('input[name=serverUrl]').fill('abc')
  await expect
    .poll(() => section.getByTestId('server-url-hint').textContent())
    .toBe('Enter an address such as http://192.168.1.20:8080')
  expect(await section.getByTestId('server-notice').count()).toBe(0)
  expect(await add.isDisabled()).toBe(true)
  expect(await section.locator('input[name=serverUrl]').getAttribute('aria-invalid')).toBe('true')
  await section.locator('input[name=serverUrl]').fill(fake.url)
  expect(await section.getByTestId('server-url-hint').count()).toBe(0)
  expect(await section.getByTestId('server-notice').textContent()).toContain(`send their audio to the server at ${fake.url}`)
  expect(await add.isDisabled()).toBe(true)
  await section.locator('input[name=serverNotice]').check()
  await add.click()
  await section.getByTestId('servers-list').waitFor()
  expect(core.store.data.settings.transcriptionServers).toEqual([{ url: fake.url, concurrency: 1 }])
  expect(core.store.data.settings.cloudNoticeAcknowledged).toContain(fake.url)
  expect(await audit(page)).toEqual([])
  // a higher tier's upload limit
  await page.locator('input[name=cloudMaxUploadMB]').fill('100')
  await page.locator('input[name=cloudMaxUploadMB]').press('Enter')
  await expect.poll(() => core.store.data.settings.cloudMaxUploadMB).toBe(100)

  await go(page, 'transcribe')
  const before = core.credits.state().balance
  const requests = fake.requests.length
  await chooseMedia(page, makeMedia(dataDir, 'sunucu.wav', { seconds: 15, sampleRate: 16_000 }))
  const job = page.getByTestId('job').first()
  await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('done')
  expect(fake.requests.length).toBe(requests + 1)
  expect(fake.requests.at(-1)!.authorization).toBe(`Bearer ${KEY}`)
  expect(core.credits.state().balance).toBe(before)
  expect(core.store.data.credits.ledger.filter((e) => e.type === 'charge')).toHaveLength(0)
})
