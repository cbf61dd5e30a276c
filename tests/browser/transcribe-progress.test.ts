import { writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import type { Page } from 'playwright-core'
import { expect, it } from 'vitest'
import { chooseMedia, go, useApp } from '../helpers/browser'
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
    await chooseMedia(page, makeMedia(dataDir, 'toplantı.wav', { seconds: 8, noise: true }))
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

for (const locale of ['en', 'tr'] as const) {
  const w = {
    en: { clear: 'Clear finished', empty: 'No jobs yet. Add a file to start.' },
    tr: { clear: 'Bitenleri temizle', empty: 'Henüz iş yok. Başlamak için bir dosya ekleyin.' },
  }[locale]
  it(`the queue puts running work first, and “Clear finished” empties it of finished work while the transcripts stay in the history (${locale})`, async () => {
    const { page: first, dataDir, newPage } = await open()
    const page = locale === 'en' ? first : await newPage({ locale })
    await go(page, 'transcribe')
    const files = ['bir.wav', 'iki.wav', 'üç.wav'].map((n) => makeMedia(dataDir, n, { seconds: 20, noise: true }))
    await chooseMedia(page, files)
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
    await chooseMedia(page, notMedia)
    await expect.poll(statuses).toEqual(['failed', 'done', 'done', 'done'])

    await page.getByRole('button', { name: w.clear }).click()
    await expect.poll(() => page.getByTestId('job').count()).toBe(0)
    expect(await page.getByText(w.empty).count()).toBe(1)
    await expect.poll(() => page.getByTestId('transcripts').locator('li').count()).toBe(3)
  })
}

/** A port with nothing listening: a server that "does not answer". */
const deadPort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port
      s.close(() => resolve(p))
    })
  })

/** A server that is there (its health check answers) but fails every transcription with HTTP 500. */
async function failingServer(): Promise<{ url: string; posts: () => number; close: () => Promise<void> }> {
  let posts = 0
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') posts++
    req.resume()
    res.writeHead(req.method === 'POST' ? 500 : 200, { 'content-type': 'application/json' })
    res.end(req.method === 'POST' ? JSON.stringify({ error: { message: 'CUDA out of memory' } }) : '{}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    posts: () => posts,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

/** The job's own servers, acknowledged, as Settings leaves them. */
const useServers = (core: Awaited<ReturnType<typeof open>>['core'], urls: string[]) =>
  core.store.mutate((db) => {
    db.settings.transcriptionServers = urls.map((url) => ({ url, concurrency: 1 }))
    db.settings.cloudNoticeAcknowledged = urls
  })

const fallbackWords = {
  en: {
    done: (server: string) => `Server ${server} did not answer: done on this computer.`,
    failed: (server: string) => `Server ${server} did not answer, so this computer tried instead.`,
    http: (server: string) => `Details: ${server} answered HTTP 500.`,
  },
  tr: {
    done: (server: string) => `${server} sunucusu yanıt vermedi: bu bilgisayarda yapıldı.`,
    failed: (server: string) => `${server} sunucusu yanıt vermedi; bu yüzden bu bilgisayarda denendi.`,
    http: (server: string) => `Ayrıntı: ${server} HTTP 500 ile yanıt verdi.`,
  },
}

for (const locale of ['en', 'tr'] as const) {
  const w = fallbackWords[locale]

  it(`a job meant for the user’s own server that did not answer says it was done on this computer (${locale})`, async () => {
    const port = await deadPort()
    const { page: first, core, dataDir, newPage } = await open()
    await useServers(core, [`http://127.0.0.1:${port}`])
    const page = locale === 'en' ? first : await newPage({ locale })
    await go(page, 'transcribe')
    await chooseMedia(page, makeMedia(dataDir, 'uzak.wav', { seconds: 5, noise: true }))
    const job = page.getByTestId('job').first()
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('done')
    expect(await job.getByTestId('job-fallback').textContent()).toBe(w.done(`127.0.0.1:${port}`))
    // nothing answered: no detail to give
    expect(await job.getByTestId('job-fallback-detail').count()).toBe(0)
  })

  it(`a server that is there but fails the audio (HTTP 500) hands the job to this computer at once, and its answer is a details line (${locale})`, async () => {
    const server = await failingServer()
    try {
      const { page: first, core, dataDir, newPage } = await open()
      await useServers(core, [server.url])
      const page = locale === 'en' ? first : await newPage({ locale })
      await go(page, 'transcribe')
      await chooseMedia(page, makeMedia(dataDir, 'uzak.wav', { seconds: 5, noise: true }))
      const job = page.getByTestId('job').first()
      await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('done')
      const host = server.url.slice('http://'.length)
      expect(await job.getByTestId('job-fallback').textContent()).toBe(w.done(host))
      expect(await job.getByTestId('job-fallback-detail').textContent()).toBe(w.http(host))
      // the server's own words are not put into the sentence
      expect(await job.textContent()).not.toContain('CUDA')
      // every server was asked once: the pool's "none left" is the fallback, not a reason to ask again
      expect(server.posts()).toBe(1)
    } finally {
      await server.close()
    }
  })

  it(`a job whose server did not answer and that this computer could not do either never says it is “running on this computer” (${locale})`, async () => {
    const port = await deadPort()
    const { page: first, core, dataDir, newPage } = await open()
    await useServers(core, [`http://127.0.0.1:${port}`])
    const page = locale === 'en' ? first : await newPage({ locale })
    await go(page, 'transcribe')
    const notMedia = makeMedia(dataDir, 'notlar.wav', { seconds: 1 })
    writeFileSync(notMedia, 'not audio at all')
    await chooseMedia(page, notMedia)
    const job = page.getByTestId('job').first()
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed')
    expect(await job.getByTestId('job-fallback').textContent()).toBe(w.failed(`127.0.0.1:${port}`))
  })
}

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
