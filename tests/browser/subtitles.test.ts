import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'

const open = useApp()

it('the editor marks segments whose subtitles read too fast, and SRT follows the rules chosen', async () => {
  const { page, core, dataDir } = await open()
  const media = path.join(dataDir, 'ders.wav')
  writeFileSync(media, Buffer.alloc(64))
  const meta = await core.transcripts.save(
    {
      jobId: 'job-1',
      fileName: 'ders.wav',
      mediaPath: media,
      hasVideo: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: 20,
      language: 'tr',
      model: 'tiny',
    },
    [
      { id: 0, start: 0, end: 4, text: 'Bugün konuşma tanımayı anlatacağım.' },
      // 30 characters in about 1.5 s, and the next segment leaves no room: about 20 a second
      { id: 1, start: 4, end: 5.5, text: 'Önce spektrogramı çıkarıyoruz.' },
      { id: 2, start: 5.6, end: 9, text: 'Sonra kodlayıcı bunu vektörlere çeviriyor, en sonda da çözücü metni yazıyor.' },
    ],
  )
  await go(page, `transcript/${meta.id}`)
  const marks = page.getByTestId('too-fast')
  await expect.poll(() => marks.count()).toBe(1)
  expect(await page.getByTestId('segment').nth(1).getByTestId('too-fast').count()).toBe(1)

  // shorter lines for the export; a faster reading speed clears the mark
  await page.getByText('Subtitle lines (SRT, VTT)').click()
  await page.locator('select[name=maxLineChars]').selectOption('32')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'SRT', exact: true }).click(),
  ])
  const srt = readFileSync((await download.path())!, 'utf8')
  const textLines = srt.split('\n').filter((l) => l && !/^\d+$/.test(l) && !l.includes('-->'))
  expect(Math.max(...textLines.map((l) => l.length))).toBeLessThanOrEqual(32)
  await page.locator('select[name=maxCps]').selectOption('25')
  await expect.poll(() => marks.count()).toBe(0)
})

it('the transcript view highlights the word being played', async () => {
  const { page, core, dataDir } = await open()
  const media = makeMedia(dataDir, 'kelime.wav', { seconds: 4 })
  const meta = await core.transcripts.save(
    {
      jobId: 'job-2',
      fileName: 'kelime.wav',
      mediaPath: media,
      hasVideo: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: 4,
      language: 'tr',
      model: 'tiny',
    },
    [
      {
        id: 0,
        start: 0,
        end: 3,
        text: 'Bir iki üç',
        words: [
          { start: 0, end: 0.9, text: 'Bir', probability: 0.9 },
          { start: 1, end: 1.9, text: 'iki', probability: 0.9 },
          { start: 2, end: 2.9, text: 'üç', probability: 0.9 },
        ],
      },
    ],
  )
  await go(page, `transcript/${meta.id}`)
  const player = page.locator('audio')
  await player.waitFor({ state: 'attached' })
  await expect.poll(() => player.evaluate((el) => (el as HTMLMediaElement).readyState)).toBeGreaterThan(0)
  await player.evaluate((el) => {
    ;(el as HTMLMediaElement).currentTime = 1.5
  })
  await expect.poll(() => page.getByTestId('current-word').textContent()).toBe('iki')
  await player.evaluate((el) => {
    ;(el as HTMLMediaElement).currentTime = 2.5
  })
  await expect.poll(() => page.getByTestId('current-word').textContent()).toBe('üç')
})

it('re-transcribes only the selected segments from the transcript view', async () => {
  const { page, core, dataDir } = await open()
  const { installMiniModel } = await import('../helpers/transcribe-env')
  const model = await installMiniModel(dataDir)
  const media = makeMedia(dataDir, 'üç parça.wav', { seconds: 9 })
  const meta = await core.transcripts.save(
    {
      jobId: 'job-3',
      fileName: 'üç parça.wav',
      mediaPath: media,
      hasVideo: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: 9,
      language: 'tr',
      model,
    },
    [
      { id: 0, start: 0, end: 3, text: 'Elle düzeltilmiş ilk bölüm.' },
      { id: 1, start: 3, end: 6, text: 'yanlış duyulmuş orta bölüm' },
      { id: 2, start: 6, end: 9, text: 'Elle düzeltilmiş son bölüm.' },
    ],
  )
  await go(page, `transcript/${meta.id}`)
  const rows = page.getByTestId('segment')
  await rows.nth(1).getByRole('checkbox').check()
  const bar = page.getByTestId('redo-bar')
  await bar.getByRole('button', { name: 'Transcribe again' }).click()
  await expect.poll(() => page.getByTestId('segments').textContent(), { timeout: 30_000 }).not.toContain('yanlış duyulmuş')
  const text = await page.getByTestId('segments').textContent()
  expect(text).toContain('Elle düzeltilmiş ilk bölüm.')
  expect(text).toContain('Elle düzeltilmiş son bölüm.')
  expect(await bar.count()).toBe(0)
})

it('VTT cues read back in Chromium’s own WebVTT parser with every character of the transcript', async () => {
  const { page, core, dataDir } = await open()
  const media = makeMedia(dataDir, 'video.mp4', { seconds: 2, video: true })
  const texts = ['if 5 < 6.', 'a --> b', 'Tom &amp; Jerry & co.', 'say <i>x</i> or <6 and 6> now', 'Ayşe: {\\an8} üç kişi']
  const meta = await core.transcripts.save(
    {
      jobId: 'job-4',
      fileName: 'video.mp4',
      mediaPath: media,
      hasVideo: true,
      frameRate: 30,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: 20,
      language: 'en',
      model: 'tiny',
      speakers: { S1: 'Ali <&> Veli' },
    },
    texts.map((text, id) => ({ id, start: id * 3, end: id * 3 + 3, text, ...(id === 4 ? { speaker: 'S1' } : {}) })),
  )
  await go(page, `transcript/${meta.id}`)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'VTT', exact: true }).click(),
  ])
  const vtt = readFileSync((await download.path())!, 'utf8')
  // Chromium parses the file as a <track> of a video (the app's CSP allows blob: media)
  const cues = await page.evaluate(async (text) => {
    const video = document.createElement('video')
    const track = document.createElement('track')
    track.kind = 'subtitles'
    track.default = true
    track.src = URL.createObjectURL(new Blob([text], { type: 'text/vtt' }))
    video.append(track)
    document.body.append(video)
    track.track.mode = 'hidden'
    await new Promise((resolve, reject) => {
      track.addEventListener('load', resolve)
      track.addEventListener('error', () => reject(new Error('Chromium refused the VTT file')))
    })
    const list = [...(track.track.cues ?? [])] as VTTCue[]
    const out = list.map((c) => ({
      start: c.startTime,
      end: c.endTime,
      // what is shown: the cue's DOM, voice spans and all, as text
      text: c.getCueAsHTML().textContent ?? '',
      voice: (c.getCueAsHTML().firstChild as HTMLElement | null)?.title ?? null,
    }))
    video.remove()
    return out
  }, vtt)
  expect(cues.map((c) => c.text.replace(/\s*\n\s*/g, ' ')).join(' ')).toBe(texts.join(' '))
  for (const c of cues) expect(c.end).toBeGreaterThan(c.start)
  // a name cannot hold ">" in a voice tag, nor character references ffmpeg would show: look-alikes
  expect(cues.at(-1)!.voice).toBe('Ali ‹＆› Veli')
  // the video said 30 fps: cues that follow each other closely are two of its frames apart
  for (let i = 1; i < cues.length; i++) expect(cues[i]!.start - cues[i - 1]!.end).toBeCloseTo(2 / 30, 2)
})
