import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { toErrorShape } from '../../src/shared/errors'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

/**
 * Audio leaves the computer only after the user was told where it goes. The pages show the
 * notice; the core refuses a call that skipped it, whichever shell made it.
 */
describe('the privacy notice is enforced by the core, not only by the page', () => {
  const open = async () => {
    const dataDir = tempDir()
    const core = await openCore({
      dataDir,
      shell: 'web',
      version: 't',
      systemLocale: 'en',
      env: { GROQ_API_KEY: 'gsk-test', MP4TOTEXT_SERVERS: 'http://127.0.0.1:9' },
      noFallback: true,
    })
    return { core, clip: makeMedia(dataDir, 'ders.wav', { seconds: 2 }) }
  }

  it('a cloud model: refused until its provider is acknowledged, with nothing queued', async () => {
    const { core, clip } = await open()
    try {
      const add = () => core.handlers['transcribe.add']({ files: [clip], options: { model: 'groq/whisper-large-v3-turbo' } })
      const err = toErrorShape(await add().catch((e: unknown) => e))
      expect(err).toMatchObject({ code: 'needs-confirmation', key: 'privacy-notice', params: { receiver: 'Groq' } })
      expect(core.transcription.jobs()).toEqual([])
      await core.handlers['settings.set']({ cloudNoticeAcknowledged: ['groq'] })
      const [job] = await add()
      expect(job!.status).toBe('queued')
      core.transcription.cancel(job!.id)
    } finally {
      await core.close()
    }
  })

  it('the user’s own servers: each address must be acknowledged', async () => {
    const { core, clip } = await open()
    try {
      const add = () =>
        core.handlers['transcribe.add']({ files: [clip], options: { model: 'tiny', servers: ['http://127.0.0.1:9'] } })
      const err = toErrorShape(await add().catch((e: unknown) => e))
      expect(err).toMatchObject({ code: 'needs-confirmation', key: 'privacy-notice', params: { receiver: 'http://127.0.0.1:9' } })
      expect(core.transcription.jobs()).toEqual([])
      await core.handlers['settings.set']({ cloudNoticeAcknowledged: ['http://127.0.0.1:9'] })
      const [job] = await add()
      expect(job!.status).toBe('queued')
      core.transcription.cancel(job!.id)
    } finally {
      await core.close()
    }
  })
})
