import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { chooseMedia, go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { installMiniModel } from '../helpers/transcribe-env'

const open = useApp({ prepare: async (dir) => void (await installMiniModel(dir)) })

it('add a file, watch progress, open the transcript, click a segment, edit it, export SRT', async () => {
  const { page, dataDir, shot } = await open()
  await go(page, 'transcribe')
  const media = makeMedia(dataDir, 'görüşme.wav', { seconds: 12, noise: true })
  await chooseMedia(page, media)
  const job = page.getByTestId('job').first()
  await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('done')
  expect(await job.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100')
  expect(await job.textContent()).toMatch(/× real time/)
  await shot('transcribe-queue')

  // each job's buttons say which file they act on (a screen reader lists them out of the row)
  await job.getByRole('button', { name: 'Remove: görüşme.wav', exact: true }).waitFor()
  await job.getByRole('button', { name: 'Open transcript: görüşme.wav', exact: true }).click()
  await page.getByTestId('segments').waitFor()
  const segments = page.getByTestId('segment')
  expect(await segments.count()).toBeGreaterThan(0)
  expect(await page.locator('h1').textContent()).toBe('görüşme.wav')

  // click the last segment: the player jumps to its start and the segment is highlighted
  const last = segments.last()
  const start = Number(await last.locator('.segment-time').getAttribute('data-start'))
  await page
    .getByTestId('player')
    .evaluate(
      (el) =>
        new Promise((r) =>
          (el as HTMLMediaElement).readyState >= 1
            ? r(null)
            : (el as HTMLMediaElement).addEventListener('loadedmetadata', () => r(null), { once: true }),
        ),
    )
  await last.locator('.segment-time').click()
  await expect
    .poll(() => page.getByTestId('player').evaluate((el) => (el as HTMLMediaElement).currentTime))
    .toBeGreaterThanOrEqual(start - 0.05)
  await expect.poll(() => last.getAttribute('aria-current')).toBe('true')

  // edit the first segment, then export SRT: the edit is what gets exported
  const first = segments.first()
  await first.getByRole('button', { name: 'Edit' }).click()
  await first.getByRole('textbox').fill('Düzeltilmiş ilk cümle.')
  await first.getByRole('button', { name: 'Save' }).click()
  await expect.poll(() => first.textContent()).toContain('Saved')
  await shot('transcript-view')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'SRT', exact: true }).click(),
  ])
  expect(download.suggestedFilename()).toBe('görüşme.srt')
  const srt = readFileSync((await download.path())!, 'utf8')
  expect(srt).toMatch(/^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\nDüzeltilmiş ilk cümle\.\n/)

  // Enhance… hands the edited text to the Enhance page
  await page.getByRole('button', { name: 'Enhance…' }).click()
  await expect.poll(() => page.locator('textarea[name=transcript]').inputValue()).toMatch(/^Düzeltilmiş ilk cümle\./)

  // the transcript is in the searchable history
  await go(page, 'transcribe')
  await page.getByLabel('Search file names and text').fill('düzeltilmiş')
  await expect.poll(() => page.getByTestId('transcripts').locator('li').count()).toBe(1)

  // deleting takes two clicks, then the transcript is gone from the history
  await page.getByTestId('transcripts').getByRole('link').first().click()
  await page.getByRole('button', { name: 'Delete transcript' }).click()
  await page.getByRole('button', { name: 'Delete for good?' }).click()
  await expect.poll(() => page.locator('h1').first().textContent()).toBe('Transcribe')
  await page.getByLabel('Search file names and text').fill('')
  await expect.poll(() => page.getByText('No transcripts yet.').count()).toBe(1)
})

it('a file that is not media fails with its own name, no internal path or tool name, and no Retry that cannot work', async () => {
  const { page, dataDir } = await open()
  await go(page, 'transcribe')
  const { writeFileSync } = await import('node:fs')
  const path = await import('node:path')
  const notMedia = path.join(dataDir, 'notlar.mp4')
  writeFileSync(notMedia, 'bu bir video değil, düz metin.\n'.repeat(50))
  await chooseMedia(page, notMedia)
  const job = page.getByTestId('job').first()
  await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed')
  const text = (await job.textContent()) ?? ''
  expect(text).toContain('notlar.mp4')
  expect(text).not.toMatch(/uploads|\/tmp\/|ffmpeg/i)
  expect(await job.getByRole('button', { name: 'Retry' }).count()).toBe(0)
})
