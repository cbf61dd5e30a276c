// Issue #23, "every word honest": a refusal the core sends a page (recording, a cloud estimate)
// reads in the page's language, worded from its key, never as the core's English message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { silence, writeWav } from '../helpers/speech-audio'
import { installMiniModel } from '../helpers/transcribe-env'

const micWav = writeWav(path.join(mkdtempSync(path.join(os.tmpdir(), 'mp4totext-mic-')), 'mic.wav'), silence(3))
const open = useApp({
  locale: 'tr',
  prepare: async (dir) => void (await installMiniModel(dir)),
  // a key (never used: the estimate asks no provider) so the cloud model is offered
  env: () => ({ GROQ_API_KEY: 'gsk-honest-errors-0123456789' }),
  chromiumArgs: [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${micWav}`,
    '--autoplay-policy=no-user-gesture-required',
  ],
})

/** Words a Turkish sentence never has: one of them means the core's English got through. */
const english = /\b(the|is|not|installed|Download|empty|nothing|bytes)\b/

it('a recording the core refuses (its model deleted meanwhile) says why in Turkish', async () => {
  const { page, dataDir } = await open()
  await go(page, 'record')
  const startButton = page.getByRole('button', { name: /Kaydı başlat/ })
  await startButton.waitFor()
  // the model goes after the page listed it: recording.start refuses with whisper-not-installed
  rmSync(path.join(dataDir, 'models', 'ggml-mini-test.bin'))
  await startButton.click()
  const alert = page.locator('p.error-box[role=alert]')
  await alert.waitFor()
  const text = (await alert.textContent())!
  expect(text).toContain('whisper modeli kurulu değil')
  expect(text).not.toMatch(english)
})

it('a file a cloud model cannot price (empty) is refused in Turkish, naming the file', async () => {
  const { page, dataDir } = await open()
  await go(page, 'transcribe')
  await page.locator('select[name=whisperModel]').selectOption('groq/whisper-large-v3-turbo')
  const empty = path.join(dataDir, 'boş.wav')
  writeFileSync(empty, '')
  await page.getByTestId('media-input').setInputFiles(empty)
  const alert = page.locator('p.error-box[role=alert]')
  await alert.waitFor()
  const text = (await alert.textContent())!
  expect(text).toContain('boş (0 bayt)')
  expect(text).not.toMatch(english)
})
