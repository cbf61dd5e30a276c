// Live recording through the web host in real Chromium. Chromium's fake capture plays a WAV of
// espeak-ng speech as the microphone (looped), so the whole path runs: getUserMedia → the AudioWorklet
// (16 kHz) → chunks over HTTP → the core's journal, live VAD and engine → a saved transcript.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { afterEach, expect, it } from 'vitest'
import { audit } from '../helpers/axe-audit'
import { chromiumPath, go, screenshotDir, takeScreenshots, useApp } from '../helpers/browser'
import { compose, silence, spokenText, writeWav } from '../helpers/speech-audio'
import { installMiniModel } from '../helpers/transcribe-env'

const root = path.resolve(import.meta.dirname, '../..')
const audioDir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-mic-'))
// 12 s: two sentences with pauses, so live text comes while recording
const micWav = writeWav(
  path.join(audioDir, 'mic.wav'),
  compose([
    { other: silence(1) },
    { speech: spokenText('Good morning everyone. Today we talk about the budget for next year.') },
    { other: silence(2) },
    { speech: spokenText('The next meeting is on Friday afternoon.') },
    { other: silence(12) },
  ]).samples.slice(0, 12 * 16000),
)
const fakeMic = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${micWav}`,
  '--autoplay-policy=no-user-gesture-required',
]
const open = useApp({ prepare: async (dir) => void (await installMiniModel(dir)), chromiumArgs: fakeMic })

const children = new Set<ChildProcess>()
afterEach(() => {
  for (const c of children) c.kill('SIGKILL')
  children.clear()
})

/** Record about `seconds` of the fake microphone, then stop: returns the transcript id from the URL. */
async function recordAndStop(page: Page, names: { start: RegExp; stop: RegExp; shot: string }, seconds: number): Promise<string> {
  await page.getByRole('button', { name: names.start }).click()
  const elapsed = page.getByTestId('elapsed')
  await expect
    .poll(async () => toSec((await elapsed.textContent()) ?? ''), { timeout: 40_000, interval: 250 })
    .toBeGreaterThanOrEqual(seconds)
  // the first sentence's pause has passed: its text is on the page before stop
  await page.getByTestId('live-segments').waitFor({ timeout: 30_000 })
  expect(await audit(page)).toEqual([])
  if (takeScreenshots) await page.screenshot({ path: path.join(screenshotDir, `record-live-${names.shot}.png`), fullPage: true })
  expect(Number(await page.getByTestId('level').getAttribute('aria-valuemax'))).toBe(100)
  await page.getByRole('button', { name: names.stop }).click()
  await page.waitForURL(/#\/transcript\//, { timeout: 60_000 })
  return decodeURIComponent(page.url().split('#/transcript/')[1]!)
}

const toSec = (t: string) => t.split(':').reduce((acc, p) => acc * 60 + Number(p), 0)

it('records the microphone through the web host: live text, then a saved transcript inside the recording', async () => {
  const { page, core, shot } = await open()
  await go(page, 'record')
  const id = await recordAndStop(page, { start: /Start recording/, stop: /Stop and save/, shot: 'en' }, 10)
  await page.getByTestId('segments').waitFor()
  const { meta, segments } = await core.transcripts.get(id)
  expect(meta.fileName).toMatch(/^Recording \d{4}-\d\d-\d\d/)
  expect(meta.mediaPath).toMatch(/\.ogg$/)
  // the page shows whole seconds, rounded
  expect(meta.durationSec).toBeGreaterThanOrEqual(9.5)
  expect(segments.length).toBeGreaterThan(0)
  for (const s of segments) {
    expect(s.start).toBeGreaterThanOrEqual(0)
    expect(s.end).toBeLessThanOrEqual(meta.durationSec + 0.01)
  }
  await shot('record-done')
})

it('the same in Turkish, in the dark theme', async () => {
  const { page, core } = await open({ colorScheme: 'dark' })
  await core.handlers['settings.set']({ locale: 'tr' })
  await go(page, 'record')
  expect(await page.locator('main h1').textContent()).toBe('Kayıt')
  const id = await recordAndStop(page, { start: /Kaydı başlat/, stop: /Durdur ve kaydet/, shot: 'tr-dark' }, 10)
  const { meta, segments } = await core.transcripts.get(id)
  expect(segments.length).toBeGreaterThan(0)
  for (const s of segments) expect(s.end).toBeLessThanOrEqual(meta.durationSec + 0.01)
})

it('a page reloaded mid-recording asks first; the recording is offered at once, in the reloaded page and in a tab already on Record', async () => {
  const { page, newPage } = await open()
  await go(page, 'record')
  await page.getByRole('button', { name: /Start recording/ }).click()
  // some audio is in (the amount does not matter here)
  await expect
    .poll(async () => toSec((await page.getByTestId('elapsed').textContent()) ?? ''), { timeout: 60_000, interval: 250 })
    .toBeGreaterThanOrEqual(1)
  // another tab on Record: a recording in a live page is not offered to it
  const other = await newPage()
  await go(other, 'record')
  await other.getByRole('button', { name: /Start recording/ }).waitFor()
  expect(await other.getByTestId('recoverable').count()).toBe(0)

  // the browser asks before the page goes; the user leaves all the same
  const dialogs: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.type())
    void d.accept()
  })
  await page.reload()
  expect(dialogs).toEqual(['beforeunload'])
  await page.getByTestId('header-balance-value').filter({ hasText: /\d/ }).waitFor()

  // the other tab has not moved: it offers the recording now, not minutes later
  const offered = other.getByTestId('recoverable')
  await offered.waitFor({ timeout: 15_000 })
  expect(await offered.textContent()).toMatch(/recording/i)
  // and so does the reloaded page
  await go(page, 'record')
  const banner = page.getByTestId('recoverable')
  await banner.waitFor({ timeout: 15_000 })
  await banner.getByRole('button', { name: 'Finish it' }).click()
  await page.waitForURL(/#\/transcribe/)
  const job = page.getByTestId('job').first()
  await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('done')
  expect(await job.textContent()).toMatch(/Recording \d{4}-\d\d-\d\d/)
  // finished once: the other tab no longer offers it
  await expect.poll(() => other.getByTestId('recoverable').count(), { timeout: 15_000 }).toBe(0)
}, 180_000)

/** A web host in its own process, as `npm run web` runs it. */
async function startHost(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const staticDir = process.env.WEB_OUT_DIR ?? path.join(root, 'out', 'web')
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/web/main.ts'), '--data-dir', dataDir, '--static', staticDir],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.add(child)
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c))
  child.stderr!.on('data', (c: Buffer) => (out += c))
  const deadline = Date.now() + 30_000
  for (;;) {
    const m = /Open: (\S+)/.exec(out)
    if (m) return { url: m[1]!, child }
    if (Date.now() > deadline) throw new Error(`the web host did not start: ${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

it('a web host killed mid-recording: the next start offers the recording, and finishing it gives a transcript', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-e2e-'))
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', ...fakeMic] })
  try {
    await installMiniModel(dataDir)
    const first = await startHost(dataDir)
    const page = await browser.newPage()
    await page.goto(first.url)
    await page.getByTestId('header-balance-value').filter({ hasText: /\d/ }).waitFor()
    await go(page, 'record')
    await page.getByRole('button', { name: /Start recording/ }).click()
    await expect
      .poll(async () => toSec((await page.getByTestId('elapsed').textContent()) ?? ''), { timeout: 40_000 })
      .toBeGreaterThanOrEqual(3)
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.once('exit', r))
    await page.close()

    const second = await startHost(dataDir)
    const again = await browser.newPage()
    await again.goto(second.url)
    await again.getByTestId('header-balance-value').filter({ hasText: /\d/ }).waitFor()
    await go(again, 'record')
    const banner = again.getByTestId('recoverable')
    await banner.waitFor()
    await banner.getByRole('button', { name: 'Finish it' }).click()
    // a regular job transcribes it: the queue shows it done, with a transcript to open
    await again.waitForURL(/#\/transcribe/)
    const job = again.getByTestId('job').first()
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 60_000 }).toBe('done')
    expect(await job.textContent()).toMatch(/Recording \d{4}-\d\d-\d\d/)
  } finally {
    await browser.close()
    for (const c of children) c.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 })
  }
})
