import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { voicedSpeech, writeWav } from '../helpers/speech-audio'

let server: FakeLlmServer
beforeAll(async () => {
  server = await startFakeLlmServer({ apiKey: TEST_KEY })
})
afterAll(() => server.close())

const open = useApp({ env: () => envFor(server) })

for (const locale of ['en', 'tr'] as const) {
  const w = {
    en: { enhance: 'Enhance…', run: 'Enhance', versions: 'Versions', show: 'Show', original: /^Original · model base · / },
    tr: { enhance: 'İyileştir…', run: 'İyileştir', versions: 'Sürümler', show: 'Göster', original: /^Özgün · model base · / },
  }[locale]
  const credits = { en: '24 credits', tr: '24 kredi' }[locale]

  it(`${locale}: an enhancement started from the transcript is saved among its versions, with model and credits`, async () => {
    const { page, core, dataDir } = await open({ locale })
    const media = writeWav(path.join(dataDir, 'kayıt.wav'), voicedSpeech(3))
    const meta = await core.transcripts.save(
      {
        jobId: 'job-1',
        fileName: 'kayıt.wav',
        mediaPath: media,
        hasVideo: false,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        durationSec: 3,
        language: locale,
        model: 'base',
      },
      [{ id: 0, start: 0, end: 2, text: 'so um we ship on friday' }],
    )
    await go(page, `transcript/${meta.id}`)
    await page.getByRole('button', { name: w.enhance }).click()
    await page.locator('[data-key="groq/openai/gpt-oss-120b"]').click()
    await page.getByRole('button', { name: w.run, exact: true }).click()
    await expect.poll(() => page.getByTestId('run').getAttribute('data-status'), { timeout: 15_000 }).toBe('done')
    await go(page, `transcript/${meta.id}`)
    await page.getByRole('button', { name: w.versions }).click()
    const rows = page.getByTestId('version')
    await expect.poll(() => rows.count()).toBe(2)
    expect(await rows.first().textContent()).toMatch(w.original)
    expect(await rows.nth(1).textContent()).toContain('GPT-OSS 120B')
    expect(await rows.nth(1).textContent()).toContain(credits)
    await rows.nth(1).getByRole('button', { name: w.show }).click()
    await expect.poll(() => page.getByTestId('versions').locator('textarea').inputValue()).toBe('SO UM WE SHIP ON FRIDAY')
  })
}
