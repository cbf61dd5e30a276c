import path from 'node:path'
import { expect, it } from 'vitest'
import type { Segment } from '../../src/shared/transcribe-types'
import { go, useApp, type AppSession } from '../helpers/browser'
import { voicedSpeech, writeWav } from '../helpers/speech-audio'

const open = useApp()

/** A transcript of a few seconds of voiced audio, saved as a finished job would save it. */
async function saveTranscript(
  app: AppSession,
  segments: Segment[],
  extra: { noSpeech?: boolean; language?: string; seconds?: number } = {},
) {
  const seconds = extra.seconds ?? 6
  const media = writeWav(path.join(app.dataDir, 'kayıt.wav'), voicedSpeech(seconds))
  return app.core.transcripts.save(
    {
      jobId: 'job-1',
      fileName: 'kayıt.wav',
      mediaPath: media,
      hasVideo: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: seconds,
      language: extra.language ?? 'en',
      model: 'base',
      noSpeech: extra.noSpeech,
    },
    segments,
  )
}

for (const locale of ['en', 'tr'] as const) {
  const words = {
    en: { again: 'Transcribe again without skipping silence', export: 'Export', enhance: 'Enhance…', jobs: 'Transcribe' },
    tr: {
      again: 'Sessiz kısımları atlamadan yeniden yazıya dök',
      export: 'Dışa aktar',
      enhance: 'İyileştir…',
      jobs: 'Transkript oluştur',
    },
  }[locale]

  it(`${locale}: an empty (no-speech) transcript offers transcribing again without skipping silence, and hides what cannot help`, async () => {
    const app = await open({ locale })
    const { page, core } = app
    const meta = await saveTranscript(app, [], { noSpeech: true })
    await go(page, `transcript/${meta.id}`)
    await page.getByTestId('transcript-no-speech').waitFor()
    // nothing to export, enhance or label
    expect(await page.getByRole('toolbar', { name: words.export }).count()).toBe(0)
    expect(await page.getByRole('button', { name: words.enhance }).count()).toBe(0)
    expect(await page.getByTestId('speakers').count()).toBe(0)
    // one click queues the same file again with speech detection off, with the transcript's model
    await page.getByRole('button', { name: words.again }).click()
    await expect
      .poll(() => core.transcription.jobs().find((j) => j.file === meta.mediaPath)?.options)
      .toMatchObject({ vad: false, model: 'base' })
    // and the Transcribe page, where the new job runs, is shown
    await expect.poll(() => page.locator('main h1').first().textContent()).toBe(words.jobs)
  })
}

/** `n` segments of two seconds each, from the start of the file. */
function segmentsOf(n: number, text = (i: number) => `Segment number ${i + 1} of the meeting.`): Segment[] {
  return Array.from({ length: n }, (_, i) => ({ id: i, start: i * 2, end: i * 2 + 1.8, text: text(i) }))
}

const player = (page: AppSession['page']) => page.getByTestId('player')
const paused = (page: AppSession['page']) => player(page).evaluate((el) => (el as HTMLMediaElement).paused)
const position = (page: AppSession['page']) => player(page).evaluate((el) => (el as HTMLMediaElement).currentTime)

for (const locale of ['en', 'tr'] as const) {
  it(`${locale}: at 900×700 the first segment shows without scrolling, and the player stays in view while the transcript scrolls`, async () => {
    const app = await open({ locale, viewport: { width: 900, height: 700 } })
    const { page } = app
    const meta = await saveTranscript(app, segmentsOf(40), { seconds: 80 })
    await go(page, `transcript/${meta.id}`)
    await app.shot(`editor-first-screen-${locale}`)
    const first = await page.getByTestId('segment').first().boundingBox()
    expect(first, 'first segment').not.toBeNull()
    expect(first!.y + first!.height).toBeLessThanOrEqual(700)
    await page.getByTestId('segment').last().scrollIntoViewIfNeeded()
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0)
    const box = await player(page).boundingBox()
    expect(box!.y).toBeGreaterThanOrEqual(0)
    expect(box!.y + box!.height).toBeLessThanOrEqual(700)
  })
}

it('Space and k toggle play, ← and → seek, and typing in a field types instead', async () => {
  const app = await open()
  const { page } = app
  const meta = await saveTranscript(app, segmentsOf(10), { seconds: 30 })
  await go(page, `transcript/${meta.id}`)
  await expect.poll(() => player(page).evaluate((el) => (el as HTMLMediaElement).readyState)).toBeGreaterThanOrEqual(1)
  await page.locator('h1').click()
  await page.keyboard.press('Space')
  await expect.poll(() => paused(page)).toBe(false)
  await page.keyboard.press('k')
  await expect.poll(() => paused(page)).toBe(true)
  await player(page).evaluate((el) => void ((el as HTMLMediaElement).currentTime = 10))
  await page.keyboard.press('ArrowRight')
  await expect.poll(() => position(page)).toBe(15)
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('ArrowLeft')
  await expect.poll(() => position(page)).toBe(5)
  // while a segment is being edited, Space, k and the arrows belong to the text
  await page.getByRole('button', { name: 'Edit' }).first().click()
  const box = page.getByRole('textbox', { name: 'Edit' })
  await box.press('End')
  await box.press('Space')
  await box.press('k')
  await box.press('ArrowLeft')
  expect(await box.inputValue()).toBe('Segment number 1 of the meeting. k')
  expect(await paused(page)).toBe(true)
  expect(await position(page)).toBe(5)
})
