import net from 'node:net'
import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { installMiniModel } from '../helpers/transcribe-env'
import { until } from '../helpers/until'

const open = useApp({ prepare: async (dir) => void (await installMiniModel(dir)) })

/** Every text the job's stage line shows, in order, from before the file is added (no timing). */
async function recordStages(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = []
    ;(globalThis as unknown as { __stages: string[] }).__stages = seen
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-testid=job-stage]')) {
        const text = el.textContent ?? ''
        if (seen.at(-1) !== text) seen.push(text)
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
  return () => page.evaluate(() => (globalThis as unknown as { __stages: string[] }).__stages)
}

for (const locale of ['en', 'tr'] as const) {
  const w = {
    en: { loading: 'Loading model…', decoding: 'Decoding…' },
    tr: { loading: 'Model yükleniyor…', decoding: 'Çözümleniyor…' },
  }[locale]
  it(`progress says what the engine is doing (loading the model, then decoding) instead of 0 % (${locale})`, async () => {
    const { page: first, dataDir, newPage } = await open()
    const page = locale === 'en' ? first : await newPage({ locale })
    await go(page, 'transcribe')
    const stages = await recordStages(page)
    await page.getByTestId('media-input').setInputFiles(makeMedia(dataDir, 'toplantı.wav', { seconds: 8, noise: true }))
    const job = page.getByTestId('job').first()
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('done')
    const seen = await stages()
    expect(seen[0]).toContain(w.loading)
    // before the engine decodes there is a stage, never a bare "0 %"
    expect(
      seen.slice(
        0,
        seen.findIndex((s) => s.includes(w.decoding)),
      ),
    ).not.toContainEqual(expect.stringMatching(/^0\s?%$/))
    expect(seen.some((s) => s.includes(w.decoding))).toBe(true)
    expect(seen.findIndex((s) => s.includes(w.loading))).toBeLessThan(seen.findIndex((s) => s.includes(w.decoding)))
  })
}

it('the queue puts running work first, and “Clear finished” empties it of finished work while the transcripts stay in the history', async () => {
  const { page, dataDir } = await open()
  await go(page, 'transcribe')
  const files = ['bir.wav', 'iki.wav', 'üç.wav'].map((n) => makeMedia(dataDir, n, { seconds: 20, noise: true }))
  await page.getByTestId('media-input').setInputFiles(files)
  const statuses = () => page.getByTestId('job').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))
  // a moment with work running and work waiting: the running one is at the top
  const snapshot = await until('work running and work waiting', async () => {
    const s = await statuses()
    return s.includes('running') && s.includes('queued') ? s : null
  })
  expect(snapshot[0]).toBe('running')
  await expect.poll(statuses, { timeout: 90_000 }).toEqual(['done', 'done', 'done'])
  const notMedia = makeMedia(dataDir, 'notlar.wav', { seconds: 1 })
  await import('node:fs').then((fs) => fs.writeFileSync(notMedia, 'not audio at all'))
  await page.getByTestId('media-input').setInputFiles(notMedia)
  await expect.poll(statuses).toEqual(['failed', 'done', 'done', 'done'])

  await page.getByRole('button', { name: 'Clear finished' }).click()
  await expect.poll(() => page.getByTestId('job').count()).toBe(0)
  expect(await page.getByText('No jobs yet. Add a file to start.').count()).toBe(1)
  await expect.poll(() => page.getByTestId('transcripts').locator('li').count()).toBe(3)
})

it('a job meant for the user’s own server that did not answer says it was done on this computer', async () => {
  // a port with nothing listening: the server "does not answer"
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port
      s.close(() => resolve(p))
    })
  })
  const url = `http://127.0.0.1:${port}`
  const { page, core, dataDir } = await open()
  await core.store.mutate((db) => {
    db.settings.transcriptionServers = [{ url, concurrency: 1 }]
    db.settings.cloudNoticeAcknowledged = [url]
  })
  await go(page, 'transcribe')
  await page.getByTestId('media-input').setInputFiles(makeMedia(dataDir, 'uzak.wav', { seconds: 5, noise: true }))
  const job = page.getByTestId('job').first()
  await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('done')
  expect(await job.getByTestId('job-fallback').textContent()).toBe(
    `Server 127.0.0.1:${port} did not answer: done on this computer.`,
  )
})

it('a job that ends while the page is still asking for the queue shows as done, never again as the older answer said', async () => {
  const { page, core, dataDir } = await open()
  // another page first: the Transcribe page asks for the queue when it opens
  await go(page, 'settings')
  const [job] = await core.transcription.add([makeMedia(dataDir, 'geç.wav', { seconds: 8, noise: true })], { model: 'mini-test' })
  const statusOf = () => core.transcription.jobs().find((j) => j.id === job!.id)?.status
  let answeredWhile: string | undefined
  let answered!: () => void
  const answer = new Promise<void>((r) => (answered = r))
  // the queue's answer leaves the host while the job runs and reaches the page after it ended
  await page.route('**/api/call/transcribe.jobs', async (route) => {
    await until('the job running', () => statusOf() === 'running')
    const res = await route.fetch()
    answeredWhile = statusOf()
    await until('the job done', () => statusOf() === 'done')
    // the "done" event reaches the page before the answer does
    await page.getByTestId('job').and(page.locator('[data-status=done]')).waitFor()
    await route.fulfill({ response: res })
    answered()
  })
  await page.evaluate(() => {
    const seen: string[] = []
    ;(globalThis as unknown as { __statuses: string[] }).__statuses = seen
    new MutationObserver(() => {
      const s = document.querySelector('[data-testid=job]')?.getAttribute('data-status') ?? ''
      if (s && seen.at(-1) !== s) seen.push(s)
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
  const received = page.waitForResponse('**/api/call/transcribe.jobs', { timeout: 120_000 })
  await go(page, 'transcribe')
  await answer
  await received
  // the page has read the answer and drawn what it holds two frames later
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
  expect(await page.getByTestId('job').first().getAttribute('data-status')).toBe('done')
  expect(answeredWhile).toBe('running')
  const seen = await page.evaluate(() => (globalThis as unknown as { __statuses: string[] }).__statuses)
  expect(seen.slice(seen.indexOf('done'))).toEqual(['done'])
})
