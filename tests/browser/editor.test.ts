import path from 'node:path'
import { expect, it } from 'vitest'
import type { Segment } from '../../src/shared/transcribe-types'
import { go, useApp, type AppSession } from '../helpers/browser'
import { voicedSpeech, writeWav } from '../helpers/speech-audio'

const open = useApp()

/** A transcript of a few seconds of voiced audio, saved as a finished job would save it. */
async function saveTranscript(
  app: AppSession,
  segments: Segment[],
  extra: { noSpeech?: boolean; language?: string; seconds?: number } = {},
) {
  const seconds = extra.seconds ?? 6
  const media = writeWav(path.join(app.dataDir, 'kayıt.wav'), voicedSpeech(seconds))
  return app.core.transcripts.save(
    {
      jobId: 'job-1',
      fileName: 'kayıt.wav',
      mediaPath: media,
      hasVideo: false,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: seconds,
      language: extra.language ?? 'en',
      model: 'base',
      noSpeech: extra.noSpeech,
    },
    segments,
  )
}

for (const locale of ['en', 'tr'] as const) {
  const words = {
    en: { again: 'Transcribe again without skipping silence', export: 'Export', enhance: 'Enhance…', jobs: 'Transcribe' },
    tr: {
      again: 'Sessiz kısımları atlamadan yeniden yazıya dök',
      export: 'Dışa aktar',
      enhance: 'İyileştir…',
      jobs: 'Transkript oluştur',
    },
  }[locale]

  it(`${locale}: an empty (no-speech) transcript offers transcribing again without skipping silence, and hides what cannot help`, async () => {
    const app = await open({ locale })
    const { page, core } = app
    const meta = await saveTranscript(app, [], { noSpeech: true })
    await go(page, `transcript/${meta.id}`)
    await page.getByTestId('transcript-no-speech').waitFor()
    // nothing to export, enhance or label
    expect(await page.getByRole('toolbar', { name: words.export }).count()).toBe(0)
    expect(await page.getByRole('button', { name: words.enhance }).count()).toBe(0)
    expect(await page.getByTestId('speakers').count()).toBe(0)
    // one click queues the same file again with speech detection off, with the transcript's model
    await page.getByRole('button', { name: words.again }).click()
    await expect
      .poll(() => core.transcription.jobs().find((j) => j.file === meta.mediaPath)?.options)
      .toMatchObject({ vad: false, model: 'base' })
    // and the Transcribe page, where the new job runs, is shown
    await expect.poll(() => page.locator('main h1').first().textContent()).toBe(words.jobs)
  })
}
