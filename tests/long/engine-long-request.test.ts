import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { makeMedia } from '../helpers/media'
import { standInEngine } from '../helpers/stand-in-engine'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, installMiniModel } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

async function coreWith(engine: { delaySec?: number; crashOn?: number }, windowSec?: number) {
  const dir = tempDir()
  const model = await installMiniModel(dir)
  const core = await openCore({
    dataDir: dir,
    shell: 'cli',
    version: 't',
    systemLocale: 'en',
    env: { MP4TOTEXT_WHISPER_SERVER: standInEngine(dir, engine) },
    noFallback: true,
    ...(windowSec ? { transcribeWindowSec: windowSec } : {}),
  })
  return { core, dir, model }
}

describe('the engine decides how long a window takes', () => {
  // large-v3-turbo on a laptop CPU takes longer than five minutes for a five-minute window: a
  // request is over when the engine answers or its process ends, never after a fixed time. This
  // is the one long test: it proves the HTTP client's own default limits (300 s) are gone.
  it('a window the engine answers after 310 s is transcribed', { timeout: 420_000 }, async () => {
    const { core, dir, model } = await coreWith({ delaySec: 310 })
    const [job] = await core.transcription.add([makeMedia(dir, 'slow.wav', { seconds: 2, noise: true })], { model })
    const done = await finished(core, job!.id, 400_000)
    expect(done.error).toBeNull()
    expect(done.status).toBe('done')
    const { segments } = await core.transcripts.get(done.transcriptId!)
    expect(segments.map((s) => s.text)).toEqual(['window 1'])
    await core.close()
  })

  it('when the engine dies on a later window, the windows already done are kept and marked partial', async () => {
    const { core, dir, model } = await coreWith({ crashOn: 2 }, 10)
    const file = makeMedia(dir, 'three-windows.wav', { seconds: 25, noise: true })
    const [job] = await core.transcription.add([file], { model })
    const done = await finished(core, job!.id)
    expect(done.status).toBe('done')
    expect(done.partial).toMatchObject({ decodedSec: 10, expectedSec: 25 })
    expect(done.partial!.engineError).toMatch(/engine stopped unexpectedly.*failed to decode/)
    const { meta, segments } = await core.transcripts.get(done.transcriptId!)
    expect(meta.partial).toEqual(done.partial)
    expect(segments.map((s) => s.text)).toEqual(['window 1'])
    // the dead engine is not handed out again: the next file gets a fresh one and completes
    const [next] = await core.transcription.add([makeMedia(dir, 'next.wav', { seconds: 2, noise: true })], { model })
    const again = await finished(core, next!.id)
    expect(again).toMatchObject({ status: 'done', partial: null })
    await core.close()
  })
})
