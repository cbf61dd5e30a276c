import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { pyCsv, pyDocx, pyMarkdown, pySrt, pyZip } from '../helpers/subtitle-readers'

const open = useApp()

async function saveTranscript(
  core: Awaited<ReturnType<typeof open>>['core'],
  dataDir: string,
  fileName: string,
  texts: string[],
) {
  const media = path.join(dataDir, fileName)
  writeFileSync(media, Buffer.alloc(64))
  const now = new Date().toISOString()
  return core.transcripts.save(
    {
      jobId: `job-${fileName}`,
      fileName,
      mediaPath: media,
      hasVideo: false,
      createdAt: now,
      updatedAt: now,
      durationSec: 20,
      language: 'tr',
      model: 'tiny',
    },
    texts.map((text, id) => ({ id, start: id * 3, end: id * 3 + 2, text })),
  )
}

it('exports several transcripts at once from the history, as one zip', async () => {
  const { page, core, dataDir } = await open()
  await saveTranscript(core, dataDir, 'ders 1.wav', ['Birinci ders.', 'Sorular?'])
  await saveTranscript(core, dataDir, 'ders 2.wav', ['İkinci ders.'])
  await saveTranscript(core, dataDir, 'başka.wav', ['Seçilmedi.'])
  // the page opened on the history before these were saved: open it anew
  await go(page, 'models')
  await go(page, 'transcribe')
  const list = page.getByTestId('transcripts')
  await list.getByRole('checkbox', { name: 'Select ders 1.wav' }).check()
  await list.getByRole('checkbox', { name: 'Select ders 2.wav' }).check()
  const bar = page.getByTestId('batch-export')
  await bar.getByRole('combobox').selectOption('srt')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    bar.getByRole('button', { name: 'Export 2 selected' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/\.zip$/)
  const files = pyZip((await download.path())!)
  expect(Object.keys(files).sort()).toEqual(['ders 1.srt', 'ders 2.srt'])
  expect(
    pySrt(files['ders 1.srt']!)
      .map((c) => c.text.replace(/\n/g, ' '))
      .join(' '),
  ).toBe('Birinci ders. Sorular?')
  expect(pySrt(files['ders 2.srt']!).map((c) => c.text)).toEqual(['İkinci ders.'])
})

it('prints the transcript (to PDF where the system offers it): only the transcript is on the page', async () => {
  const { page, core, dataDir } = await open()
  const meta = await saveTranscript(core, dataDir, 'yazdır.wav', ['Yazdırılacak metin.', 'İkinci satır.'])
  await go(page, `transcript/${meta.id}`)
  await page.evaluate(() => {
    const w = window as unknown as { print: () => void; printed: number }
    w.printed = 0
    w.print = () => void w.printed++
  })
  await page.getByText('Document options').click()
  await page.getByRole('button', { name: 'Print / PDF' }).click()
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1)
  await page.emulateMedia({ media: 'print' })
  await expect.poll(() => page.getByTestId('segments').isVisible()).toBe(true)
  expect(await page.getByTestId('player').isVisible()).toBe(false)
  expect(await page.locator('nav').first().isVisible()).toBe(false)
  expect(await page.getByRole('toolbar').first().isVisible()).toBe(false)
  await expect.poll(() => page.getByTestId('segments').textContent()).toContain('Yazdırılacak metin.')
})

it('exports Markdown and CSV from the transcript page, names and times as chosen', async () => {
  const { page, core, dataDir } = await open()
  const meta = await saveTranscript(core, dataDir, 'belge.wav', ['İlk cümle, virgüllü.', 'İkinci "tırnaklı" cümle.'])
  await go(page, `transcript/${meta.id}`)
  const download = async (name: string) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name, exact: true }).click()])
    return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') }
  }
  const csv = await download('CSV')
  expect(csv.name).toBe('belge.csv')
  expect(pyCsv(csv.text.replace(/^\uFEFF/, ''))).toEqual([
    ['start', 'end', 'speaker', 'text'],
    ['00:00:00.000', '00:00:02.000', '', 'İlk cümle, virgüllü.'],
    ['00:00:03.000', '00:00:05.000', '', 'İkinci "tırnaklı" cümle.'],
  ])
  expect(pyMarkdown((await download('Markdown')).text).text).toContain('[00:03]')
  if (!(await page.getByRole('checkbox', { name: 'Times in documents' }).isVisible()))
    await page.getByText('Document options').click()
  await page.getByRole('checkbox', { name: 'Times in documents' }).uncheck()
  const md = await download('Markdown')
  expect(md.name).toBe('belge.md')
  const { text } = pyMarkdown(md.text)
  expect(text).not.toContain('[00:03]')
  expect(text).toContain('İkinci "tırnaklı" cümle.')
})

for (const locale of ['en', 'tr'] as const) {
  const w = {
    en: { options: 'Document options', names: 'Names in documents', times: 'Times in documents' },
    tr: { options: 'Belge seçenekleri', names: 'Belgelerde adlar', times: 'Belgelerde zamanlar' },
  }[locale]

  it(`${locale}: exports a Word document from the transcript page, names and times as chosen, Turkish intact`, async () => {
    const { page, core, dataDir } = await open({ locale })
    const media = path.join(dataDir, 'görüşme.wav')
    writeFileSync(media, Buffer.alloc(64))
    const now = new Date().toISOString()
    const meta = await core.transcripts.save(
      {
        jobId: 'job-docx',
        fileName: 'görüşme.wav',
        mediaPath: media,
        hasVideo: false,
        createdAt: now,
        updatedAt: now,
        durationSec: 20,
        language: 'tr',
        model: 'tiny',
        speakers: { S1: 'Ayşe Işık', S2: 'Ömer' },
      },
      [
        { id: 0, start: 0, end: 2, text: 'Günaydın, İstanbul’dan bağlanıyorum.', speaker: 'S1' },
        { id: 1, start: 3, end: 5, text: 'Hoş geldiniz; ığdır, şişli, çğüöı.', speaker: 'S2' },
      ],
    )
    await go(page, `transcript/${meta.id}`)
    // beside the document options (names, times) it follows
    await page.getByText(w.options).click()
    const download = async () => {
      const [d] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Word (DOCX)', exact: true }).click(),
      ])
      return { name: d.suggestedFilename(), paragraphs: pyDocx((await d.path())!) }
    }
    const first = await download()
    expect(first.name).toBe('görüşme.docx')
    expect(first.paragraphs.map((p) => p.text)).toEqual([
      'görüşme.wav',
      '[00:00] Ayşe Işık: Günaydın, İstanbul’dan bağlanıyorum.',
      '[00:03] Ömer: Hoş geldiniz; ığdır, şişli, çğüöı.',
    ])
    expect(first.paragraphs[1]!.runs.find((r) => r.text.includes('Ayşe'))!.bold).toBe(true)
    await page.getByRole('checkbox', { name: w.names }).uncheck()
    await page.getByRole('checkbox', { name: w.times }).uncheck()
    expect((await download()).paragraphs.map((p) => p.text)).toEqual([
      'görüşme.wav',
      'Günaydın, İstanbul’dan bağlanıyorum.',
      'Hoş geldiniz; ığdır, şişli, çğüöı.',
    ])
  })
}
