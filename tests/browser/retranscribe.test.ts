import { expect, it } from 'vitest'
import { go, useApp } from '../helpers/browser'
import { makeMedia } from '../helpers/media'
import { installMiniModel } from '../helpers/transcribe-env'

const open = useApp()

it(
  'Transcribe again replaces only the ticked segments: an edited one between them stays, and Undo restores',
  { timeout: 120_000 },
  async () => {
    const { page, core, dataDir } = await open()
    const model = await installMiniModel(dataDir)
    const media = makeMedia(dataDir, 'beş parça.wav', { seconds: 15, noise: true })
    const original = ['Birinci bölüm.', 'ikinci yanlış', 'üçüncü yanlış', 'dördüncü yanlış', 'Beşinci bölüm.']
    const meta = await core.transcripts.save(
      {
        jobId: 'job-r',
        fileName: 'beş parça.wav',
        mediaPath: media,
        hasVideo: false,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        durationSec: 15,
        language: 'tr',
        model,
      },
      original.map((text, i) => ({ id: i, start: i * 3, end: i * 3 + 3, text })),
    )
    await go(page, `transcript/${meta.id}`)
    const rows = page.getByTestId('segment')
    const texts = () => page.locator('[data-testid=segment] .segment-text').allTextContents()
    await expect.poll(texts).toEqual(original)

    // the middle one is corrected by hand and left unticked; its neighbours are ticked
    await rows.nth(2).getByRole('button', { name: 'Edit' }).click()
    await rows.nth(2).getByRole('textbox').fill('Üçüncü, elle düzeltildi.')
    await rows.nth(2).getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(texts)
      .toEqual(['Birinci bölüm.', 'ikinci yanlış', 'Üçüncü, elle düzeltildi.', 'dördüncü yanlış', 'Beşinci bölüm.'])
    const edited = await texts()
    await rows.nth(1).getByRole('checkbox').check()
    await rows.nth(3).getByRole('checkbox').check()
    const bar = page.getByTestId('redo-bar')
    await bar.getByRole('button', { name: 'Transcribe again' }).click()
    // the selection bar goes once the new segments are in
    await expect.poll(() => bar.count(), { timeout: 60_000 }).toBe(0)

    const after = await texts()
    expect(after).toContain('Üçüncü, elle düzeltildi.')
    expect(after[0]).toBe('Birinci bölüm.')
    expect(after.at(-1)).toBe('Beşinci bölüm.')
    expect(after).not.toContain('ikinci yanlış')
    expect(after).not.toContain('dördüncü yanlış')
    // only the new segments are marked; "Saved" is on no segment it was not said of
    const marked = await rows.evaluateAll((els) =>
      els.map((el) => ({
        text: el.querySelector('.segment-text')?.textContent ?? '',
        redone: Boolean(el.querySelector('[data-testid=redone]')),
        saved: el.textContent?.includes('Saved') ?? false,
      })),
    )
    for (const m of marked) {
      const kept = ['Birinci bölüm.', 'Üçüncü, elle düzeltildi.', 'Beşinci bölüm.'].includes(m.text)
      expect(m.redone).toBe(!kept)
      if (m.saved) expect(m.text).toBe('Üçüncü, elle düzeltildi.')
    }

    await page.getByTestId('redo-done').getByRole('button', { name: 'Undo' }).click()
    await expect.poll(texts).toEqual(edited)
    expect(await page.locator('[data-testid=redone]').count()).toBe(0)
    expect((await core.transcripts.get(meta.id)).segments.map((s) => s.text)).toEqual(edited)
  },
)
