import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { modelsDirOf } from '../../src/core/paths'
import { audit } from '../helpers/axe-audit'
import { go, useApp } from '../helpers/browser'
import { installSpeakerModels, twoVoices } from '../helpers/speaker-models'
import { writeWav } from '../helpers/speech-audio'

const open = useApp()
const voices = twoVoices()
const [a, b] = voices.speech as [{ start: number; end: number }, { start: number; end: number }]

async function transcriptOfTwoVoices(core: Awaited<ReturnType<typeof open>>['core'], dataDir: string, language: string) {
  const media = writeWav(path.join(dataDir, 'toplantı.wav'), voices.samples)
  return core.transcripts.save(
    {
      jobId: 'job-1',
      fileName: 'toplantı.wav',
      mediaPath: media,
      hasVideo: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: voices.durationSec,
      language,
      model: 'base',
    },
    [
      { id: 0, start: a.start, end: a.end, text: 'Good morning everyone, today the release plan.' },
      { id: 1, start: b.start, end: b.end, text: 'Thank you, I will send the notes to the team.' },
    ],
  )
}

it('without the models the editor says where to get them; detection then names, renames, merges and exports speakers', async () => {
  const { page, core, dataDir } = await open()
  const meta = await transcriptOfTwoVoices(core, dataDir, 'en')
  await go(page, `transcript/${meta.id}`)
  const panel = page.getByTestId('speakers')
  await expect.poll(() => panel.getByText('Install them on the Models page').count()).toBe(1)
  // detecting without models keeps the transcript and says why
  await panel.getByRole('button', { name: 'Detect speakers' }).click()
  await expect.poll(() => page.getByTestId('speakers-error').textContent()).toMatch(/not installed/)
  expect(await page.getByTestId('segment').count()).toBe(2)

  installSpeakerModels(modelsDirOf(dataDir, core.store.data.settings))
  await page.reload()
  await panel.getByRole('button', { name: 'Detect speakers' }).click()
  const pickers = page.getByTestId('segment-speaker')
  await expect.poll(() => pickers.count()).toBe(2)
  expect(await pickers.evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).selectedOptions[0]!.textContent))).toEqual([
    'Speaker 1',
    'Speaker 2',
  ])
  expect(await audit(page)).toEqual([])

  // rename everywhere at once
  await page.getByLabel('Name of S1').fill('Ayşe')
  await page.getByRole('button', { name: 'Rename' }).first().click()
  await expect.poll(() => pickers.first().evaluate((e) => (e as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe('Ayşe')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'VTT', exact: true }).click(),
  ])
  const vtt = readFileSync((await download.path())!, 'utf8')
  expect(vtt).toContain('<v Ayşe>Good morning')
  expect(vtt).toContain('<v Speaker 2>Thank you')

  // reassign the second segment, then merge the (now empty) second speaker away
  await pickers.nth(1).selectOption({ label: 'Ayşe' })
  await expect.poll(() => core.transcripts.get(meta.id).then((t) => t.segments[1]!.speaker)).toBe('S1')
  await page.locator('select[name=mergeFrom]').selectOption({ label: 'Speaker 2' })
  await page.locator('select[name=mergeInto]').selectOption({ label: 'Ayşe' })
  await page.getByRole('button', { name: 'Merge speakers' }).click()
  await expect.poll(() => core.transcripts.get(meta.id).then((t) => t.meta.speakers)).toEqual({ S1: 'Ayşe' })
})

it('in Turkish: the speakers read in Turkish and the hand-off to Enhance keeps the names', async () => {
  const { page, core, dataDir } = await open({ locale: 'tr' })
  installSpeakerModels(modelsDirOf(dataDir, core.store.data.settings))
  const meta = await transcriptOfTwoVoices(core, dataDir, 'tr')
  await go(page, `transcript/${meta.id}`)
  await page.getByRole('button', { name: 'Konuşmacıları bul' }).click()
  await expect.poll(() => page.getByTestId('segment-speaker').count()).toBe(2)
  await page.getByRole('button', { name: 'İyileştir' }).first().click()
  await expect
    .poll(() => page.locator('textarea').first().inputValue())
    .toBe(
      'Konuşmacı 1: Good morning everyone, today the release plan.\n\nKonuşmacı 2: Thank you, I will send the notes to the team.',
    )
})
