import { describe, expect, it } from 'vitest'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

describe('cancel', () => {
  it('a cancel that arrives just after the job started is not lost: the job ends cancelled, with no transcript', async () => {
    const dir = tempDir()
    const { core, model } = await openTranscribeCore(dir)
    const first = makeMedia(dir, 'kısa.wav', { seconds: 8 })
    const second = makeMedia(dir, 'ikinci.wav', { seconds: 2 })
    const [job, next] = await core.transcription.add([first, second], { model })
    // the queue has already picked the first job up; its "running" state may not be saved yet
    expect(core.transcription.cancel(job!.id)).toBe(true)
    // one job at a time: when the second is over, whatever the first did is over too
    await finished(core, next!.id)
    const end = core.transcription.jobs().find((j) => j.id === job!.id)!
    expect(end.status).toBe('cancelled')
    expect(end.transcriptId).toBeNull()
    expect((await core.transcripts.list()).items.map((t) => t.fileName)).toEqual(['ikinci.wav'])
    await core.close()
  })
})
