import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { audit } from '../helpers/axe-audit'
import { go, screenshotDir, takeScreenshots, useApp, type View } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { routes } from '../../src/renderer/src/lib/use-route'
import { HISTORY_PAGE_SIZE } from '../../src/shared/transcribe-types'

/**
 * The accessibility audit: axe-core runs inside real Chromium over every page, in both themes and
 * both languages, and a full-page screenshot of each lands in test-results/screenshots/review/
 * (`npm run screenshots` runs just this file and takes them; `npm test` does not). It checks what renders — computed colours, names,
 * roles — not the palette.
 */
const reviewDir = path.join(screenshotDir, 'review')

const open = useApp()

const views: (View & { name: string })[] = [
  { name: 'en-light', locale: 'en', colorScheme: 'light' },
  { name: 'en-dark', locale: 'en', colorScheme: 'dark' },
  { name: 'tr-light', locale: 'tr', colorScheme: 'light' },
  { name: 'tr-dark', locale: 'tr', colorScheme: 'dark' },
  // the small window the issue was also walked at
  { name: 'en-light-900x700', locale: 'en', colorScheme: 'light', viewport: { width: 900, height: 700 } },
]

// every page of the side menu (a new page is audited without editing this test), plus a transcript
const pages = [...routes, 'transcript'] as const

// every page × four views: minutes, not the default minute
it('every page, in both themes and both languages, has no serious or critical axe violation', { timeout: 300_000 }, async () => {
  const { page: first, core, dataDir, newPage } = await open()
  await first.context().close()
  // one finished transcript, so the transcript page has something to show; written as the
  // transcription service stores one, so the audit does not depend on the engine
  const transcriptId = 'audit-transcript'
  const media = makeMedia(dataDir, 'toplantı.wav', { seconds: 4 })
  const segments = [
    // with speakers, so their panel and each segment's speaker picker are audited too
    { id: 0, start: 0, end: 2, text: 'Bugün sürümü cuma günü çıkarmaya karar verdik.', speaker: 'S1' },
    { id: 1, start: 2, end: 4, text: 'Ayşe notları yazacak, Mehmet derlemeyi kontrol edecek.', speaker: 'S2' },
  ]
  const now = new Date().toISOString()
  core.library.transaction(() => {
    // more than a page of history (older, so written first: the list is newest first), so the
    // History's Newer/Older controls are audited too
    for (let i = 0; i < HISTORY_PAGE_SIZE; i++)
      core.library.transcripts.put({
        id: `audit-older-${i}`,
        jobId: `audit-older-job-${i}`,
        fileName: `eski kayıt ${i}.wav`,
        mediaPath: media,
        hasVideo: false,
        createdAt: new Date(Date.parse(now) - (HISTORY_PAGE_SIZE - i) * 60_000).toISOString(),
        updatedAt: now,
        durationSec: 4,
        language: 'tr',
        model: 'base',
        segmentCount: 0,
        preview: '',
      })
    core.library.transcripts.put({
      id: transcriptId,
      jobId: 'audit-job',
      fileName: 'toplantı.wav',
      mediaPath: media,
      hasVideo: false,
      createdAt: now,
      updatedAt: now,
      durationSec: 4,
      language: 'tr',
      model: 'base',
      segmentCount: segments.length,
      preview: segments[0]!.text,
      speakers: { S1: 'Ayşe', S2: 'Mehmet' },
    })
    core.library.segments.put(transcriptId, { revision: 0, segments })
  })
  mkdirSync(reviewDir, { recursive: true })

  const found: string[] = []
  for (const view of views) {
    // the app's theme setting is "system": the emulated OS colour scheme decides
    const page = await newPage({ viewport: { width: 1280, height: 800 }, ...view })
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(view.colorScheme)
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(view.locale)
    for (const name of pages) {
      await go(page, name === 'transcript' ? `transcript/${transcriptId}` : name)
      // wait for the page's data, not for a time: no "Loading…" left
      await expect.poll(() => page.locator('main [aria-busy=true], main .loading').count()).toBe(0)
      if (name === 'transcribe') await expect.poll(() => page.getByTestId('history-pages').isVisible()).toBe(true)
      found.push(...(await audit(page)).map((v) => `${view.name} ${name}: ${v}`))
      if (takeScreenshots) await page.screenshot({ path: path.join(reviewDir, `${view.name}-${name}.png`), fullPage: true })
    }
    await page.context().close()
  }
  expect(found).toEqual([])
})
