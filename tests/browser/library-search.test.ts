import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import type { Core } from '../../src/core/app-core'
import { go, useApp } from '../helpers/browser'

const openEn = useApp({ locale: 'en' })
const openTr = useApp({ locale: 'tr' })

async function seed(core: Core, dataDir: string): Promise<string> {
  const now = new Date().toISOString()
  const save = (fileName: string, texts: string[]) => {
    const media = path.join(dataDir, fileName)
    writeFileSync(media, Buffer.alloc(64))
    return core.transcripts.save(
      {
        jobId: 'j',
        fileName,
        mediaPath: media,
        hasVideo: false,
        createdAt: now,
        updatedAt: now,
        durationSec: 60,
        language: 'tr',
        model: 'tiny',
      },
      texts.map((text, i) => ({ id: i, start: i * 5, end: i * 5 + 4, text })),
    )
  }
  await save('haftalik.wav', ['Haftalık toplantı başladı.', 'Bütçe konuşuldu.'])
  const meta = await save(
    'roportaj.wav',
    Array.from({ length: 40 }, (_, i) => (i === 31 ? 'Sonra İstanbul’daki şubeye gittik.' : `Cümle ${i}.`)),
  )
  return meta.id
}

it('searching the library shows each hit with its words marked, and a hit opens the transcript at that segment', async () => {
  const { page, core, dataDir } = await openEn()
  const id = await seed(core, dataDir)
  await go(page, 'transcribe')
  await page.getByRole('searchbox', { name: 'Search file names and text' }).fill('istanbul')
  const result = page.getByTestId('search-result')
  await expect.poll(() => result.count()).toBe(1)
  expect(await page.getByRole('status').filter({ hasText: 'Found in 1 transcript' }).count()).toBe(1)
  expect(await result.locator('mark').innerText()).toBe('İstanbul')
  await result.getByRole('link', { name: 'Open roportaj.wav at 2:35' }).click()
  await page.waitForURL(new RegExp(`#/transcript/${id}/31$`))
  const found = page.locator('.segment.is-found')
  await expect.poll(() => found.count()).toBe(1)
  expect(await found.innerText()).toContain('Sonra İstanbul’daki şubeye gittik.')
  expect(
    await page
      .getByTestId('segment')
      .nth(31)
      .evaluate((el) => el.classList.contains('is-found')),
  ).toBe(true)
})

it('Turkish: dotless ı and ş match either way, and the results speak Turkish', async () => {
  const { page, core, dataDir } = await openTr()
  await seed(core, dataDir)
  await go(page, 'transcribe')
  await page.locator('input[name=transcriptSearch]').fill('HAFTALIK TOPLANTI')
  await expect.poll(() => page.getByTestId('search-result').count()).toBe(1)
  expect(await page.getByRole('status').filter({ hasText: '1 dökümde bulundu' }).count()).toBe(1)
  expect(await page.getByTestId('search-result').locator('mark').allInnerTexts()).toEqual(['Haftalık', 'toplantı'])
  await page.locator('input[name=transcriptSearch]').fill('yokboylebirsey')
  await expect.poll(() => page.getByTestId('search-result').count()).toBe(0)
})
