import { chmodSync, existsSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { wavFile } from '../../src/core/media/decode'
import type { Job } from '../../src/shared/transcribe-types'
import { makeMedia, makeSilentVideo } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, installMiniModel, openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

async function setup(extra: Partial<Parameters<typeof openCore>[0]> = {}) {
  return openTranscribeCore(tempDir(), { core: extra })
}

describe('local transcription with the real whisper.cpp engine', () => {
  it('a video file becomes a transcript: increasing timestamps inside the duration, progress to 100%', async () => {
    const { core, dir, model } = await setup()
    const file = makeMedia(dir, 'toplantı kaydı.mp4', { seconds: 8, noise: true, video: true })
    const progress: number[] = []
    core.events.subscribe((name, p) => name === 'transcribe.job' && progress.push((p as Job).progress))
    const [job] = await core.transcription.add([file], { model, language: 'tr' })
    const done = await finished(core, job!.id)
    expect(done.status).toBe('done')
    expect(done.realtimeFactor).toBeGreaterThan(0)
    expect(progress.at(-1)).toBe(1)
    const { meta, segments } = await core.transcripts.get(done.transcriptId!)
    expect(meta).toMatchObject({ fileName: 'toplantı kaydı.mp4', hasVideo: true, segmentCount: segments.length })
    expect(Math.abs(meta.durationSec - 8)).toBeLessThan(0.1)
    expect(segments.length).toBeGreaterThan(0)
    let prev = 0
    for (const s of segments) {
      expect(s.start).toBeGreaterThanOrEqual(prev)
      expect(s.end).toBeGreaterThanOrEqual(s.start)
      expect(s.end).toBeLessThanOrEqual(8.05)
      prev = s.start
    }
    await core.close()
  })

  it('keeps timestamps continuous across decode windows', async () => {
    const { core, dir, model } = await setup({ transcribeWindowSec: 10 })
    const file = makeMedia(dir, 'long.flac', { seconds: 25, noise: true })
    const [job] = await core.transcription.add([file], { model })
    const done = await finished(core, job!.id)
    expect(done.status).toBe('done')
    const { segments } = await core.transcripts.get(done.transcriptId!)
    expect(segments.some((s) => s.start >= 20)).toBe(true)
    expect(segments.every((s, i) => i === 0 || s.start >= segments[i - 1]!.start)).toBe(true)
    expect(segments.at(-1)!.end).toBeLessThanOrEqual(25.05)
    await core.close()
  })

  it('a file a few samples longer than its windows is transcribed whole (no 2 ms window sent to the engine)', async () => {
    // the shape AAC's priming gives every file: 10 minutes decode to 600.004 s
    const { core, dir, model } = await setup({ transcribeWindowSec: 10 })
    const samples = 20 * 16_000 + 32
    const pcm = Buffer.alloc(samples * 2)
    for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round((Math.random() - 0.5) * 12_000), i * 2)
    const file = path.join(dir, 'priming.wav')
    writeFileSync(file, wavFile(pcm))
    const [job] = await core.transcription.add([file], { model })
    const done = await finished(core, job!.id)
    expect(done.error ?? null).toBeNull()
    expect(done.status).toBe('done')
    const { meta, segments } = await core.transcripts.get(done.transcriptId!)
    expect(meta.partial ?? null).toBeNull()
    expect(segments.length).toBeGreaterThan(0)
    expect(segments.at(-1)!.end).toBeLessThanOrEqual(20.01)
    await core.close()
  })

  it('a file shorter than whisper can hear (2 ms) is done with no text, not an engine error', async () => {
    const { core, dir, model } = await setup()
    const file = path.join(dir, 'blip.wav')
    writeFileSync(file, wavFile(Buffer.alloc(64)))
    const [job] = await core.transcription.add([file], { model })
    const done = await finished(core, job!.id)
    expect(done.error ?? null).toBeNull()
    expect(done.status).toBe('done')
    expect((await core.transcripts.get(done.transcriptId!)).segments).toEqual([])
    await core.close()
  })

  it('cancel mid-run stops within a second and leaves no transcript', async () => {
    const { core, dir, model } = await setup()
    const file = makeMedia(dir, 'ten-minutes.flac', { seconds: 600, noise: true, sampleRate: 16000 })
    const [job] = await core.transcription.add([file], { model })
    await new Promise<void>((resolve) => {
      const off = core.events.subscribe((name, p) => {
        const j = p as Job
        if (name === 'transcribe.job' && j.id === job!.id && j.status === 'running' && j.progress > 0) {
          off()
          resolve()
        }
      })
    })
    expect(core.transcription.cancel(job!.id)).toBe(true)
    const done = await finished(core, job!.id)
    // stopped where it was, not after the rest of the file
    expect(done.progress).toBeLessThan(1)
    expect(done).toMatchObject({ status: 'cancelled', transcriptId: null })
    expect((await core.transcripts.list()).items).toEqual([])
    const rows = core.library.db.prepare('SELECT count(*) AS n FROM transcript_segments').get() as { n: number }
    expect(rows.n).toBe(0)
    await core.close()
  })

  it('each broken input fails its own job with its documented error; the others complete', async () => {
    const { core, dir, model } = await setup()
    writeFileSync(path.join(dir, 'empty.mp3'), '')
    writeFileSync(path.join(dir, 'notes.mp4'), 'plain text, not media\n'.repeat(40))
    const cut = makeMedia(dir, 'cut.mkv', { seconds: 20, noise: true })
    truncateSync(cut, 30_000)
    const files = [
      path.join(dir, 'missing.wav'),
      path.join(dir, 'empty.mp3'),
      path.join(dir, 'notes.mp4'),
      makeSilentVideo(dir, 'silent.mp4'),
      cut,
      makeMedia(dir, 'good.wav', { seconds: 2, noise: true }),
    ]
    const jobs = await core.transcription.add(files, { model })
    const results = await Promise.all(jobs.map((j) => finished(core, j.id)))
    expect(results.map((r) => [r.fileName, r.status])).toEqual([
      ['missing.wav', 'failed'],
      ['empty.mp3', 'failed'],
      ['notes.mp4', 'failed'],
      ['silent.mp4', 'failed'],
      // cut short: what decoded is kept, marked partial (tests/unit/media-reality.test.ts)
      ['cut.mkv', 'done'],
      ['good.wav', 'done'],
    ])
    expect(results[0]!.error).toMatch(/File not found: missing\.wav/)
    expect(results[1]!.error).toMatch(/empty\.mp3 is empty/)
    expect(results[2]!.error).toMatch(/notes\.mp4 is not an audio or video file/)
    expect(results[3]!.error).toMatch(/silent\.mp4 has no audio stream/)
    expect(results[4]!.partial!.expectedSec).toBeCloseTo(20, 0)
    expect(results[4]!.partial!.decodedSec).toBeLessThan(19)
    expect(results.slice(0, 4).map((r) => r.retryable)).toEqual([true, false, false, false])
    await core.close()
  })

  it('an engine crash becomes the job error, never the app’s; a bad model says so', async () => {
    const dir = tempDir()
    const crashing = path.join(dir, 'crashing-engine.sh')
    // answers the ready handshake, then dies like a native crash on the first request
    writeFileSync(
      crashing,
      '#!/bin/sh\nfor a; do [ "$prev" = "--port" ] && PORT=$a; prev=$a; done\necho "whisper server listening at http://127.0.0.1:$PORT"\nsleep 0.3\nkill -SEGV $$\n',
    )
    chmodSync(crashing, 0o755)
    const model = await installMiniModel(dir)
    const core = await openCore({
      dataDir: dir,
      shell: 'cli',
      version: 't',
      systemLocale: 'en',
      env: { MP4TOTEXT_WHISPER_SERVER: crashing },
    })
    const [job] = await core.transcription.add([makeMedia(dir, 'a.wav', { seconds: 2 })], { model })
    const done = await finished(core, job!.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/engine stopped unexpectedly/)

    const good = await setup()
    const broken = path.join(good.dir, 'models', 'ggml-broken.bin')
    writeFileSync(broken, Buffer.concat([Buffer.from([0x6c, 0x6d, 0x67, 0x67]), Buffer.alloc(100)]))
    const [j2] = await good.core.transcription.add([makeMedia(good.dir, 'b.wav', { seconds: 1 })], { model: 'broken' })
    const d2 = await finished(good.core, j2!.id)
    expect(d2.status).toBe('failed')
    expect(d2.error).toMatch(/stopped while loading the model/)
    const [j3] = await good.core.transcription.add([makeMedia(good.dir, 'c.wav', { seconds: 1 })], { model: 'large-v3' })
    expect((await finished(good.core, j3!.id)).error).toMatch(/not installed.*models pull large-v3/)
    await good.core.close()
  })

  it('after a crash or quit a running job shows as interrupted, and Retry runs it', async () => {
    const { core, dir, model } = await setup()
    const file = makeMedia(dir, 'x.wav', { seconds: 2, noise: true })
    core.library.transaction(() => {
      core.library.jobs.put({
        id: 'j1',
        file,
        fileName: 'x.wav',
        status: 'running',
        progress: 0.4,
        etaSec: 3,
        realtimeFactor: 0.1,
        durationSec: null,
        options: { model, language: 'auto', translate: false, prompt: '' },
        createdAt: new Date().toISOString(),
        startedAt: null,
        finishedAt: null,
        error: null,
        transcriptId: null,
      })
    })
    const reopened = await openCore({ dataDir: dir, shell: 'cli', version: 't', systemLocale: 'en', env: {}, noFallback: true })
    expect(reopened.transcription.jobs()[0]).toMatchObject({ id: 'j1', status: 'interrupted' })
    await reopened.transcription.retry('j1')
    expect((await finished(reopened, 'j1')).status).toBe('done')
    await reopened.close()
    await core.close()
  })

  it('edits are saved and used by exports; history searches names and text', async () => {
    const { core, dir, model } = await setup()
    const [job] = await core.transcription.add([makeMedia(dir, 'interview.wav', { seconds: 4, noise: true })], { model })
    const done = await finished(core, job!.id)
    const id = done.transcriptId!
    const { segments } = await core.transcripts.get(id)
    await core.transcripts.updateSegment(id, segments[0]!.id, 'Merhaba dünya, düzeltilmiş metin.')
    const srt = await core.transcripts.exportText(id, 'srt')
    expect(srt.fileName).toBe('interview.srt')
    expect(srt.content).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\nMerhaba dünya, düzeltilmiş metin\.\n/)
    expect((await core.transcripts.list('INTERVIEW')).items.map((t) => t.id)).toEqual([id])
    expect((await core.transcripts.list('düzeltilmiş')).items.map((t) => t.id)).toEqual([id])
    expect((await core.transcripts.list('no such words')).items).toEqual([])
    await core.close()
  })
})

describe('deleting', () => {
  it('a transcript goes with its segments and an uploaded media copy, never the user’s own file', async () => {
    const { core, dir, model } = await setup()
    const own = makeMedia(dir, 'mine.wav', { seconds: 2, noise: true })
    const uploadDir = path.join(dir, 'uploads', 'abc123')
    const { mkdirSync, copyFileSync } = await import('node:fs')
    mkdirSync(uploadDir, { recursive: true })
    const uploaded = path.join(uploadDir, 'uploaded.wav')
    copyFileSync(own, uploaded)
    const jobs = await core.transcription.add([own, uploaded], { model })
    const done = await Promise.all(jobs.map((j) => finished(core, j.id)))
    const events: unknown[] = []
    core.events.subscribe((name, p) => name === 'transcripts.changed' && events.push(p))
    for (const j of done) await core.transcripts.delete(j.transcriptId!)
    expect((await core.transcripts.list()).items).toEqual([])
    // their segments went with them (library.db holds them; no file was written for them)
    for (const j of done) expect(core.library.segments.get(j.transcriptId!)).toBeUndefined()
    expect(existsSync(path.join(dir, 'transcripts'))).toBe(false)
    expect(existsSync(own)).toBe(true)
    expect(existsSync(uploadDir)).toBe(false)
    expect(events).toHaveLength(2)
    expect(core.transcription.jobs().every((j) => j.transcriptId === null)).toBe(true)
    await expect(core.transcription.removeJob('nope')).rejects.toThrow(/No job/)
    await core.transcription.removeJob(done[0]!.id)
    expect(core.transcription.jobs().map((j) => j.id)).toEqual([done[1]!.id])
    await core.close()
  })
})
