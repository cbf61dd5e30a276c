import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'

let server: FakeLlmServer
beforeAll(async () => {
  server = await startFakeLlmServer({ apiKey: TEST_KEY })
})
afterAll(() => server.close())

const open = useApp({ env: () => envFor(server) })

for (const locale of ['en', 'tr'] as const) {
  const w = {
    en: {
      search: 'Search file names and text',
      label: 'Enhanced · Llama 3.1 8B Instant',
      link: 'Open kayıt.wav, its version enhanced by Llama 3.1 8B Instant',
      versions: 'Versions',
    },
    tr: {
      search: 'Dosya adlarında ve metinde ara',
      label: 'İyileştirilmiş · Llama 3.1 8B Instant',
      link: 'kayıt.wav dökümünün Llama 3.1 8B Instant ile iyileştirilmiş sürümünü aç',
      versions: 'Sürümler',
    },
  }[locale]

  it(`${locale}: a word only an enhanced version says finds the transcript, labelled with its model; the hit opens that version`, async () => {
    const { page, core, dataDir } = await open({ locale })
    const media = path.join(dataDir, 'kayıt.wav')
    writeFileSync(media, Buffer.alloc(64))
    const now = new Date().toISOString()
    const meta = await core.transcripts.save(
      {
        jobId: 'job-1',
        fileName: 'kayıt.wav',
        mediaPath: media,
        hasVideo: false,
        createdAt: now,
        updatedAt: now,
        durationSec: 3,
        language: 'tr',
        model: 'base',
      },
      [{ id: 0, start: 0, end: 2, text: 'şey yani cuma günü gönderiyoruz' }],
    )
    // the fake model answers in capitals: only the enhanced version says "ISTANBUL"
    const run = await core.enhance.run({
      text: 'istanbul şubesi cuma günü gönderiyor.',
      provider: 'groq',
      modelId: 'llama-3.1-8b-instant',
      preset: 'cleanup',
      transcriptId: meta.id,
    })
    await go(page, 'transcribe')
    await page.getByRole('searchbox', { name: w.search }).fill('istanbul')
    const result = page.getByTestId('search-result')
    await expect.poll(() => result.count()).toBe(1)
    const link = result.getByRole('link', { name: w.link })
    expect(await link.innerText()).toBe(w.label)
    expect(await result.locator('mark').allInnerTexts()).toEqual(['ISTANBUL'])

    await link.click()
    await page.waitForURL(new RegExp(`#/transcript/${meta.id}/version/${run.id}$`))
    // the editor opens with its versions shown, the enhanced one's text in view
    expect(await page.getByRole('button', { name: w.versions }).getAttribute('aria-expanded')).toBe('true')
    await expect
      .poll(() => page.getByTestId('versions').locator('textarea').inputValue())
      .toBe('ISTANBUL ŞUBESI CUMA GÜNÜ GÖNDERIYOR.')
    expect(await page.locator('[data-testid="version"][aria-current="true"]').innerText()).toContain('Llama 3.1 8B Instant')
  })
}
