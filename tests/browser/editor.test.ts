import { existsSync } from 'node:fs'
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
    // the job stops (no model is installed here) before the test's data folder goes
    await expect.poll(() => core.transcription.jobs().find((j) => j.file === meta.mediaPath)?.status).toMatch(/failed|cancelled/)
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

for (const locale of ['en', 'tr'] as const) {
  const w = {
    en: { open: 'Find and replace', find: 'Find', with: 'Replace with', whole: 'Whole word', all: 'Replace all' },
    tr: { open: 'Bul ve değiştir', find: 'Bul', with: 'Yerine', whole: 'Tam sözcük', all: 'Tümünü değiştir' },
  }[locale]
  const status = {
    en: { matches: '2 matches', replaced: 'Replaced 2 matches', englishMatches: '1 match' },
    tr: { matches: '2 eşleşme', replaced: '2 eşleşme değiştirildi', englishMatches: '1 eşleşme' },
  }[locale]

  it(`${locale}: find and replace across a Turkish transcript folds İ/i and I/ı the Turkish way`, async () => {
    const app = await open({ locale })
    const { page, core } = app
    const texts = ["İstanbul'da buluşalım.", 'Istanbul değil, istanbul.']
    const meta = await saveTranscript(
      app,
      texts.map((text, i) => ({ id: i, start: i * 2, end: i * 2 + 1.8, text })),
      { language: 'tr' },
    )
    await go(page, `transcript/${meta.id}`)
    await page.getByRole('button', { name: w.open }).click()
    const panel = page.getByRole('search', { name: w.open })
    await panel.getByLabel(w.find, { exact: true }).fill('istanbul')
    await panel.getByLabel(w.whole).check()
    await expect.poll(() => page.getByTestId('find-status').textContent()).toBe(status.matches)
    await panel.getByLabel(w.with).fill('Ankara')
    await panel.getByRole('button', { name: w.all }).click()
    await expect.poll(() => page.getByTestId('find-status').textContent()).toBe(status.replaced)
    expect(await page.locator('.segment-text').allTextContents()).toEqual(["Ankara'da buluşalım.", 'Istanbul değil, Ankara.'])
    expect((await core.transcripts.get(meta.id)).segments.map((s) => s.text)).toEqual([
      "Ankara'da buluşalım.",
      'Istanbul değil, Ankara.',
    ])
  })
}

it('tr: the word list is saved with the transcript and used when it is transcribed again', async () => {
  const app = await open({ locale: 'tr' })
  const { page, core } = app
  const meta = await saveTranscript(app, segmentsOf(2), { language: 'tr' })
  await go(page, `transcript/${meta.id}`)
  await page.getByRole('button', { name: 'Sözcük listesi' }).click()
  await page.getByTestId('word-list').getByRole('textbox').fill('Ayşe Yılmaz, MP4toText')
  await page.getByRole('button', { name: 'Sözcük listesini kaydet' }).click()
  await expect.poll(() => core.transcripts.get(meta.id).then((t) => t.meta.prompt)).toBe('Ayşe Yılmaz, MP4toText')
  // the field shows it again after a reload
  await page.reload()
  await page.getByRole('button', { name: 'Sözcük listesi' }).click()
  expect(await page.getByTestId('word-list').getByRole('textbox').inputValue()).toBe('Ayşe Yılmaz, MP4toText')
})

/** The editor on a transcript of two segments: 0–4 s of four words, and 5–6 s of one. */
async function openTwoSegments() {
  const app = await open()
  const meta = await saveTranscript(app, [
    { id: 0, start: 0, end: 4, text: 'alpha beta gamma delta' },
    { id: 1, start: 5, end: 6, text: 'epsilon' },
  ])
  await go(app.page, `transcript/${meta.id}`)
  return { ...app, meta }
}

it('split, merge, nudge and delete segments from the editor; each is saved', { timeout: 120_000 }, async () => {
  const { page, core, meta } = await openTwoSegments()
  const saved = () => core.transcripts.get(meta.id).then((t) => t.segments.map((s) => [s.start, s.end, s.text]))
  await page.getByRole('button', { name: 'Tools for the segment at 0:00' }).click()
  await page.getByRole('button', { name: 'Split', exact: true }).click()
  await expect.poll(saved).toEqual([
    [0, 2, 'alpha beta'],
    [2, 4, 'gamma delta'],
    [5, 6, 'epsilon'],
  ])
  await expect.poll(() => page.locator('.segment-text').allTextContents()).toEqual(['alpha beta', 'gamma delta', 'epsilon'])
  await page.getByRole('button', { name: 'Merge with next' }).first().click()
  await expect.poll(() => page.getByTestId('segment').count()).toBe(2)
  expect(await saved()).toEqual([
    [0, 4, 'alpha beta gamma delta'],
    [5, 6, 'epsilon'],
  ])
  await page.getByRole('button', { name: 'End earlier' }).click()
  await expect.poll(saved).toEqual([
    [0, 3.9, 'alpha beta gamma delta'],
    [5, 6, 'epsilon'],
  ])
  // a start after the end is refused, said in the page's language
  const tools = page.getByTestId('segment-tools')
  await tools.locator('input[name=start]').fill('5')
  await tools.getByRole('button', { name: 'Set times' }).click()
  await expect.poll(() => tools.getByRole('alert').textContent()).toBe('A segment must start before it ends, at 0 s or later.')
  await tools.getByRole('button', { name: 'Delete segment' }).click()
  await expect.poll(saved).toEqual([[5, 6, 'epsilon']])
  await expect.poll(() => page.locator('.segment-text').allTextContents()).toEqual(['epsilon'])
})

it('the waveform strip draws the audio’s peaks; a click seeks the player, a dragged edge saves the segment’s times', async () => {
  const app = await open()
  const { page, core, dataDir } = app
  const meta = await saveTranscript(
    app,
    [
      { id: 0, start: 0.5, end: 2, text: 'first part' },
      { id: 1, start: 3, end: 4.5, text: 'second part' },
    ],
    { seconds: 6 },
  )
  await go(page, `transcript/${meta.id}`)
  const strip = page.getByTestId('waveform')
  await strip.waitFor()
  // drawn from the file (computed by the core with ffmpeg, kept in the data folder): bars of
  // many heights, not a flat line
  const heights = () =>
    page.evaluate(() => {
      const c = document.querySelector('[data-testid=waveform] canvas') as HTMLCanvasElement
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      const out: number[] = []
      for (let x = 0; x < c.width; x++) {
        let h = 0
        for (let y = 0; y < c.height; y++) if (d[(y * c.width + x) * 4 + 3]! > 0) h++
        out.push(h)
      }
      return out
    })
  await expect.poll(async () => new Set(await heights()).size).toBeGreaterThan(5)
  const drawn = await heights()
  expect(Math.max(...drawn) - Math.min(...drawn)).toBeGreaterThan(15)
  expect(existsSync(path.join(dataDir, 'peaks', `${meta.id}.json`))).toBe(true)

  await expect.poll(() => player(page).evaluate((el) => (el as HTMLMediaElement).readyState)).toBeGreaterThanOrEqual(1)
  const box = (await strip.boundingBox())!
  const span = Number(await strip.getAttribute('data-span'))
  expect(span).toBe(6)
  const xAt = (sec: number) => box.x + (sec / span) * box.width
  await page.mouse.click(xAt(3.5), box.y + box.height / 2)
  await expect.poll(() => position(page)).toBeCloseTo(3.5, 1)
  // the segment playing there is highlighted, its edges can be dragged
  await page.getByTestId('wave-current').waitFor()
  const edge = (await page.getByRole('slider', { name: 'End of the segment at 0:03' }).boundingBox())!
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2)
  await page.mouse.down()
  await page.mouse.move(xAt(5.2), edge.y + edge.height / 2, { steps: 5 })
  await page.mouse.up()
  const saved = () => core.transcripts.get(meta.id).then((t) => t.segments[1]!)
  await expect.poll(async () => (await saved()).end).toBeCloseTo(5.2, 1)
  expect((await saved()).start).toBe(3)
  expect((await saved()).text).toBe('second part')
  // the drag did not seek the player
  expect(await position(page)).toBeCloseTo(3.5, 1)
  // after a reload the segment has its new end
  await page.reload()
  await page.getByRole('button', { name: 'Tools for the segment at 0:03' }).click()
  expect(Number(await page.getByTestId('segment-tools').locator('input[name=end]').inputValue())).toBeCloseTo(5.2, 1)
})

it('a time typed while the last nudge is still being saved is kept, not reset when the answer comes', async () => {
  const { page, core, meta } = await openTwoSegments()
  // the nudge's answer is held until the user has typed
  let release = () => {}
  const held = new Promise<void>((r) => (release = r))
  let answered = false
  await page.route('**/api/call/transcripts.setTimes', async (route) => {
    const res = await route.fetch()
    await held
    await route.fulfill({ response: res })
    answered = true
  })
  await page.getByRole('button', { name: 'Tools for the segment at 0:00' }).click()
  const tools = page.getByTestId('segment-tools')
  await tools.getByRole('button', { name: 'End earlier' }).click()
  await tools.locator('input[name=start]').fill('5')
  release()
  await expect.poll(() => answered).toBe(true)
  await expect.poll(() => core.transcripts.get(meta.id).then((t) => t.segments[0]!.end)).toBe(3.9)
  // the answer has been applied (the saved end shows) and the typed start is still there
  await expect.poll(() => tools.locator('input[name=end]').inputValue()).toBe('3.9')
  expect(await tools.locator('input[name=start]').inputValue()).toBe('5')
  await page.unroute('**/api/call/transcripts.setTimes')
  await tools.getByRole('button', { name: 'Set times' }).click()
  await expect.poll(() => tools.getByRole('alert').textContent()).toBe('A segment must start before it ends, at 0 s or later.')
})
