import { expect, it } from 'vitest'
import type { Core } from '../../src/core/app-core'
import { go, useApp } from '../helpers/browser'

const openEn = useApp({ locale: 'en' })
const openTr = useApp({ locale: 'tr' })

async function seed(core: Core, n: number, from = 1): Promise<void> {
  for (let i = from; i < from + n; i++) {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()
    await core.transcripts.save(
      {
        jobId: `j-${i}`,
        fileName: `kayıt.${i}.v2.mp4`,
        mediaPath: `/media/kayıt.${i}.v2.mp4`,
        hasVideo: false,
        createdAt: at,
        updatedAt: at,
        durationSec: 60,
        language: 'tr',
        model: 'tiny',
      },
      [{ id: 0, start: 0, end: 4, text: `Toplantı ${i}.` }],
    )
  }
}

it('a long history is shown a page at a time, newest first; Older and Newer move between pages, and a new transcript comes in on top', async () => {
  const { page, core } = await openEn()
  await seed(core, 120)
  await go(page, 'transcribe')
  const items = page.getByTestId('transcripts').locator(':scope > li')
  const pages = page.getByTestId('history-pages')
  await expect.poll(() => items.count()).toBe(50)
  expect(await pages.innerText()).toContain('1–50 of 120')
  expect(await items.first().innerText()).toContain('kayıt.120.v2.mp4')
  expect(await pages.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true)

  await pages.getByRole('button', { name: 'Older' }).click()
  await expect.poll(() => pages.innerText()).toContain('51–100 of 120')
  expect(await items.first().innerText()).toContain('kayıt.70.v2.mp4')
  await pages.getByRole('button', { name: 'Older' }).click()
  await expect.poll(() => items.count()).toBe(20)
  expect(await pages.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true)
  expect(await items.last().innerText()).toContain('kayıt.1.v2.mp4')

  await pages.getByRole('button', { name: 'Newer' }).click()
  await pages.getByRole('button', { name: 'Newer' }).click()
  await expect.poll(() => pages.innerText()).toContain('1–50 of 120')
  // a transcript saved while the page is open (a job finishing, another window) is listed at once
  await seed(core, 1, 121)
  await expect.poll(() => pages.innerText()).toContain('1–50 of 121')
  expect(await items.first().innerText()).toContain('kayıt.121.v2.mp4')
})

it('Turkish: the page range and the buttons read in Turkish', async () => {
  const { page, core } = await openTr()
  await seed(core, 60)
  await go(page, 'transcribe')
  const pages = page.getByTestId('history-pages')
  await expect.poll(() => pages.innerText().catch(() => '')).toContain('60 transkriptten 1–50')
  expect(await pages.getByRole('button', { name: 'Daha eski' }).isDisabled()).toBe(false)
  expect(await pages.getByRole('button', { name: 'Daha yeni' }).isDisabled()).toBe(true)
})
