// Issue #23, "every word honest": a refusal the core sends a page (recording, a cloud estimate)
// reads in the page's language, worded from its key, never as the core's English message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { rename } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { expect, it } from 'vitest'
import { chooseMedia, go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { silence, writeWav } from '../helpers/speech-audio'
import { installMiniModel } from '../helpers/transcribe-env'
import { newTranscriptMeta } from '../helpers/transcript-meta'

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
  // enabled once the page has listed the installed model
  await expect.poll(() => startButton.isEnabled()).toBe(true)
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
  await chooseMedia(page, empty)
  const alert = page.locator('p.error-box[role=alert]')
  await alert.waitFor()
  const text = (await alert.textContent())!
  expect(text).toContain('boş (0 bayt)')
  expect(text).not.toMatch(english)
})

it('why speaker detection left a transcript unlabelled is kept with its key and read in Turkish; an older notice keeps its text', async () => {
  const { page, core, dataDir } = await open()
  const save = (name: string) =>
    core.transcripts.save(newTranscriptMeta(name, { mediaPath: writeWav(path.join(dataDir, name), silence(2)) }), [
      { id: 0, start: 0, end: 2, text: 'Günaydın.' },
    ])
  // no speaker models installed: the detection (as after a recording or a job) is refused, the
  // reason kept beside the transcript for whoever opens it later
  const meta = await save('toplantı.wav')
  await expect(core.handlers['speakers.detect']({ id: meta.id, speakers: 'auto' })).rejects.toMatchObject({ code: 'not-found' })
  await go(page, `transcript/${meta.id}`)
  const notice = page.getByTestId('speakers-error')
  await notice.waitFor()
  const text = (await notice.textContent())!
  expect(text).toContain('Konuşmacı algılama için')
  // the models are named by their titles ("3D-Speaker CAM++ (VoxCeleb)"); the sentence is Turkish
  expect(text).not.toMatch(/\b(detection|needs|which|installed|kept|without)\b/)

  // a notice written by an older version has only its English: shown as it was written
  const old = await save('eski.wav')
  await core.transcripts.setSpeakerNotice(old.id, 'An older notice, in English.')
  await go(page, `transcript/${old.id}`)
  await expect.poll(() => page.getByTestId('speakers-error').textContent()).toBe('An older notice, in English.')
})

it('a watched file that fails, and a watch folder that cannot be watched, say why in Turkish', async () => {
  const { page, core, dataDir } = await open()
  await core.handlers['settings.set']({ whisperModel: 'mini-test' })
  const watched = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-watched-'))
  // a folder whose output folder cannot be made (its parent is not there): arriving through the
  // settings (another process, db.json), it is listed and shown as not watched, with why
  const parent = path.join(watched, 'yok')
  await core.handlers['settings.set']({
    watchFolders: [
      {
        id: 'w-bad',
        dir: watched,
        outDir: path.join(parent, 'çıktı'),
        recursive: false,
        formats: ['txt'],
        model: null,
        language: null,
        vad: null,
        enabled: true,
      },
    ],
  })
  await go(page, 'settings')
  const section = page.getByTestId('watch-section')
  const stopped = section.getByTestId('watch-stopped')
  await stopped.waitFor()
  const why = (await stopped.textContent())!
  expect(why).toContain(`${parent} yok`)
  expect(why).not.toMatch(/\b(The|output|folder|parent|does|not|exist)\b/)

  // the folder watched as it should be, with a model that is not installed: its file fails, in Turkish
  await core.handlers['watch.remove']({ id: 'w-bad' })
  await core.handlers['watch.add']({
    dir: watched,
    outDir: null,
    recursive: false,
    formats: ['txt'],
    model: 'base',
    language: null,
    vad: null,
  })
  await rename(makeMedia(dataDir, 'ders.wav', { seconds: 2 }), path.join(watched, 'ders.wav'))
  const failed = section.getByTestId('watch-recent').locator('li[data-status=failed]')
  await failed.waitFor({ timeout: 45_000 })
  const text = (await failed.textContent())!
  expect(text).toContain('ders.wav')
  expect(text).toContain('kurulu değil')
  expect(text).not.toMatch(/\b(The|is|not|installed|Download|first|Models page)\b/)
  rmSync(watched, { recursive: true, force: true })
})

it('with no system keyring, the question before storing a key weakly is asked in Turkish', async () => {
  const { page } = await open()
  // what the desktop core answers on a Linux desktop without a keyring (the web host keeps keys
  // in its own file and never asks): the page words the question from its key
  await page.route('**/api/call/providers.setKey', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        ok: false,
        error: {
          code: 'needs-confirmation',
          message:
            'No system keyring was found (install and unlock GNOME Keyring or KWallet). Without one the key is stored with weak, well-known encryption. Confirm to store it anyway.',
          key: 'no-keyring',
          params: {},
        },
      }),
    }),
  )
  const asked: string[] = []
  page.on('dialog', (d) => {
    asked.push(d.message())
    void d.dismiss()
  })
  await go(page, 'settings')
  const form = page.locator('form', { has: page.locator('input[name=key-groq]') })
  await form.locator('input[name=key-groq]').fill('gsk-honest-errors-0123456789')
  await form.getByRole('button', { name: 'Anahtarı kaydet' }).click()
  await expect.poll(() => asked.length).toBe(1)
  expect(asked[0]).toContain('Sistem anahtarlığı bulunamadı')
  expect(asked[0]).not.toMatch(/\b(No|system|keyring|was|found|weak|Confirm|anyway)\b/)
})
