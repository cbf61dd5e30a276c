import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { call } from '../../src/cli/cli-call'
import { modelsDirOf } from '../../src/core/paths'
import { audit } from '../helpers/axe-audit'
import { go, useApp } from '../helpers/browser'
import { conversation, highVoice, installSpeakerModels, lowVoice } from '../helpers/speaker-models'
import { writeWav, type ComposedAudio } from '../helpers/speech-audio'

// the low voice is Ayşe in both files; the high one is a stranger
const files: ComposedAudio[] = [
  conversation(
    lowVoice('Good morning everyone. Today we will talk about the release plan and the schedule for next week.'),
    highVoice('Thank you. I have prepared the notes and I will send them to the whole team after this meeting.'),
  ),
  conversation(
    lowVoice('The budget for the second quarter is ready and I would like to go through it line by line.'),
    highVoice('That sounds good. Please start with the travel costs because they changed the most this year.'),
  ),
]

type Session = Awaited<ReturnType<ReturnType<typeof useApp>>>

async function meetings(s: Session, language: string): Promise<string[]> {
  installSpeakerModels(modelsDirOf(s.dataDir, s.core.store.data.settings))
  const ids: string[] = []
  for (const [n, audio] of files.entries()) {
    const name = `toplantı-${n + 1}.wav`
    const now = new Date().toISOString()
    const meta = await s.core.transcripts.save(
      {
        jobId: `job-${n}`,
        fileName: name,
        mediaPath: writeWav(path.join(s.dataDir, name), audio.samples),
        hasVideo: false,
        createdAt: now,
        updatedAt: now,
        durationSec: audio.durationSec,
        language,
        model: 'base',
      },
      audio.speech.map((p, id) => ({ id, start: p.start, end: p.end, text: `part ${id + 1}` })),
    )
    ids.push(meta.id)
  }
  return ids
}

/** Click detect and wait until the detection has ended (it reads audio and runs the models in a child process). */
async function detect(s: Session, label: string): Promise<void> {
  await s.page.getByRole('button', { name: label }).click()
  await s.page.getByTestId('speakers-progress').waitFor({ state: 'detached', timeout: 60_000 })
}

const pickedNames = (s: Session) =>
  s.page
    .getByTestId('segment-speaker')
    .evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).selectedOptions[0]!.textContent))

const en = useApp()
it('English: a speaker named in one file is recognised in the next, "Not Ayşe" undoes it; the voice library renames, exports, imports and forgets', async () => {
  const s = await en()
  const { page } = s
  const [one, two] = (await meetings(s, 'en')) as [string, string]
  await go(page, `transcript/${one}`)
  await detect(s, 'Detect speakers')
  await expect.poll(() => pickedNames(s)).toEqual(['Speaker 1', 'Speaker 2'])
  await page.getByLabel('Name of S1').fill('Ayşe')
  await page.getByRole('button', { name: 'Rename' }).first().click()
  await expect.poll(() => page.getByTestId('speaker-voice-S1').textContent()).toMatch(/Ayşe, in the voice library/)

  await go(page, `transcript/${two}`)
  await detect(s, 'Detect speakers')
  await expect.poll(() => pickedNames(s)).toEqual(['Ayşe', 'Speaker 2'])
  await expect.poll(() => page.getByTestId('speaker-voice-S1').textContent()).toMatch(/Recognised as Ayşe \(0\.9\d?\)/)
  expect(await audit(page)).toEqual([])
  await page.getByRole('button', { name: 'Not Ayşe' }).click()
  await expect.poll(() => pickedNames(s)).toEqual(['Speaker 1', 'Speaker 2'])
  // "S1 is …" Ayşe after all
  await page.locator('select[name="voice-of-S1"]').selectOption({ label: 'Ayşe' })
  await expect.poll(() => pickedNames(s)).toEqual(['Ayşe', 'Speaker 2'])

  await go(page, 'settings')
  const section = page.getByTestId('voices')
  await expect.poll(() => section.getByTestId('voice').count()).toBe(1)
  expect(await section.getByTestId('voice').textContent()).toMatch(/from 2 speakers/)
  await section.getByLabel('Name of the voice “Ayşe”').fill('Ayşe Yılmaz')
  await section.getByRole('button', { name: 'Rename' }).click()
  await expect.poll(() => call(s.core, 'voices.list', {}).then((l) => l.voices.map((v) => v.name))).toEqual(['Ayşe Yılmaz'])
  expect(await audit(page)).toEqual([])

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    section.getByRole('button', { name: 'Export voices' }).click(),
  ])
  const exported = (await download.path())!
  expect(JSON.parse(readFileSync(exported, 'utf8'))).toMatchObject({
    format: 'mp4totext-voices',
    voices: [{ name: 'Ayşe Yılmaz' }],
  })

  page.once('dialog', (d) => void d.accept())
  await section.getByRole('button', { name: 'Forget Ayşe Yılmaz' }).click()
  await expect.poll(() => section.getByTestId('voices-empty').count()).toBe(1)
  await section.locator('input[name=voicesImport]').setInputFiles(exported)
  await expect
    .poll(() => section.getByTestId('voices-status').textContent())
    .toBe('Imported: 1 new, 0 joined to a voice of the same name, 0 already here.')
  expect(await section.getByTestId('voice').count()).toBe(1)
})

const tr = useApp({ locale: 'tr' })
it('Turkish: recognised and corrected in Turkish; a damaged library file and a wrong import file are explained in Turkish', async () => {
  const s = await tr()
  const { page } = s
  const [one, two] = (await meetings(s, 'tr')) as [string, string]
  await call(s.core, 'speakers.detect', { id: one, speakers: 'auto' })
  await call(s.core, 'speakers.rename', { id: one, speaker: 'S1', name: 'Ayşe' })
  await go(page, `transcript/${two}`)
  await detect(s, 'Konuşmacıları bul')
  await expect.poll(() => pickedNames(s)).toEqual(['Ayşe', 'Konuşmacı 2'])
  await expect.poll(() => page.getByTestId('speaker-voice-S1').textContent()).toMatch(/Ayşe olarak tanındı \(0,9\d?\)/)
  await page.getByRole('button', { name: 'Ayşe değil' }).click()
  await expect.poll(() => pickedNames(s)).toEqual(['Konuşmacı 1', 'Konuşmacı 2'])

  await go(page, 'settings')
  const section = page.getByTestId('voices')
  await expect.poll(() => section.getByRole('heading', { name: 'Ses kitaplığı' }).count()).toBe(1)
  expect(await section.getByTestId('voice').textContent()).toMatch(/1 konuşmacıdan/)
  // a file that is not a voices export: refused in Turkish, nothing changed
  const wrong = path.join(s.dataDir, 'notlar.json')
  writeFileSync(wrong, '{"voices": "hayır"}')
  await section.locator('input[name=voicesImport]').setInputFiles(wrong)
  await expect
    .poll(() => section.getByTestId('voices-error').textContent())
    .toBe("Bu dosya MP4toText'ten dışa aktarılmış bir ses kitaplığı değil (ya da bozuk). Hiçbir şey içe aktarılmadı.")
  expect(await audit(page)).toEqual([])

  // the library file damaged behind the app's back
  writeFileSync(path.join(s.dataDir, 'voices', 'library.json'), '{"version": 1, "voices": [')
  await page.reload()
  await go(page, 'settings')
  const notice = section.getByTestId('voices-damaged')
  await expect
    .poll(() => notice.textContent())
    .toMatch(/Ses kitaplığı dosyası bozuktu ve okunamadı\. .*library\.json\.damaged-.* adıyla saklandı/)
  expect(await section.getByTestId('voices-empty').textContent()).toBe(
    'Henüz ses yok. Eklemek için bir dökümde bir konuşmacıya ad verin.',
  )
  await notice.getByRole('button', { name: 'Tamam' }).click()
  await expect.poll(() => notice.count()).toBe(0)
})
