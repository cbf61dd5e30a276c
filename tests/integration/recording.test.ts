// Live recording in the core: real Silero VAD on streamed audio, the real engine, real ffmpeg
// (Opus), a real separate process killed with SIGKILL mid-recording.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LiveSegment } from '../../src/shared/calls/recording-calls'
import { openCore } from '../../src/core/app-core'
import { probe } from '../../src/core/media/probe'
import { compose, readWav, silence, spokenText, writeWav } from '../helpers/speech-audio'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, installMiniModel, openTranscribeCore } from '../helpers/transcribe-env'
import { modelsDirOf } from '../../src/core/paths'
import { startWebHost } from '../../src/web/web-host'
import { installSpeakerModels } from '../helpers/speaker-models'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const CHUNK = 4000 // 0.25 s, as the page sends

function twoSentences() {
  return compose([
    { other: silence(0.5) },
    { speech: spokenText('Good morning everyone. Today we talk about the budget.') },
    { other: silence(1.5) },
    { speech: spokenText('The next meeting is on Friday afternoon.') },
    { other: silence(1.5) },
  ])
}

function chunks(samples: Int16Array): string[] {
  const out: string[] = []
  for (let at = 0; at < samples.length; at += CHUNK) {
    const part = samples.subarray(at, at + CHUNK)
    out.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'))
  }
  return out
}

describe('live recording', { timeout: 120_000 }, () => {
  it('transcribes as the speaker pauses, and on stop saves a transcript with Opus audio inside the duration', async () => {
    const { core, dir, model } = await openTranscribeCore(tempDir())
    // with the speaker models installed, the saved recording comes back with its speakers labelled
    installSpeakerModels(modelsDirOf(dir, core.store.data.settings))
    const audio = twoSentences()
    const wav = writeWav(path.join(dir, 'talk.wav'), audio.samples)
    const live: LiveSegment[] = []
    core.events.subscribe((name, p) => name === 'recording.segment' && live.push(p as LiveSegment))
    const rec = await core.recording.start({ deviceLabel: 'Mic', model, language: 'en' })
    const parts = chunks(readWav(wav))
    // out of order and resent: chunk 1 before 0, chunk 0 twice — the audio on disk is still exact
    await core.recording.append(rec.id, 1, parts[1]!)
    expect((await core.recording.append(rec.id, 0, parts[0]!)).received).toBe(2)
    await core.recording.append(rec.id, 0, parts[0]!)
    for (let i = 2; i < parts.length; i++) await core.recording.append(rec.id, i, parts[i]!)
    // the first sentence ended 1.5 s before the audio did: its text comes before stop
    await until('a live segment', () => live.length > 0)
    expect(live[0]!.end).toBeLessThanOrEqual(audio.durationSec)
    expect(live[0]!.delaySec).toBeGreaterThanOrEqual(0)

    const { transcriptId, durationSec } = await core.recording.stop(rec.id)
    expect(durationSec).toBeCloseTo(audio.durationSec, 2)
    const { meta, segments } = await core.transcripts.get(transcriptId)
    expect(segments.length).toBeGreaterThanOrEqual(live.length)
    for (const s of segments) {
      expect(s.start).toBeGreaterThanOrEqual(0)
      expect(s.end).toBeLessThanOrEqual(audio.durationSec + 0.01)
    }
    expect(meta.mediaPath).toMatch(/\.ogg$/)
    expect(meta.speakerNotice).toBeUndefined()
    expect(Object.keys(meta.speakers ?? {}).length).toBeGreaterThanOrEqual(1)
    expect(segments.some((s) => s.speaker && meta.speakers![s.speaker])).toBe(true)
    const info = await probe(meta.mediaPath)
    expect(info.audioStreamIndex).not.toBeNull()
    expect(info.durationSec).toBeGreaterThan(audio.durationSec - 0.2)
    // the raw audio is gone once the transcript is saved
    expect(readdirSync(path.join(dir, 'recordings'))).toEqual([])
    await core.close()
  })

  it('a recording whose process was killed is offered at the next start, and finishing it yields a transcript', async () => {
    const dir = tempDir()
    const model = await installMiniModel(dir)
    const audio = twoSentences()
    const wav = writeWav(path.join(dir, 'talk.wav'), audio.samples)
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'tests/helpers/recording-child.ts'), dir, wav, model, '20'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c))
    child.stderr.on('data', (c: Buffer) => (err += c))
    const [, id] = await until(`the child to record (${err})`, () => /recorded (\S+) 20/.exec(out))
    // a second process while the first still runs: its recording is not offered
    const other = await openCore({ dataDir: dir, shell: 'cli', version: 't', systemLocale: 'en', env: {}, noFallback: true })
    expect(await other.recording.recoverable()).toEqual([])
    await other.close()
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))

    const core = await openCore({ dataDir: dir, shell: 'cli', version: 't', systemLocale: 'en', env: {}, noFallback: true })
    const found = await core.recording.recoverable()
    expect(found.map((r) => r.id)).toEqual([id])
    expect(found[0]!.durationSec).toBeCloseTo((20 * CHUNK) / 16000, 2)
    const { jobId } = await core.recording.recover(id!, 'finish')
    const done = await finished(core, jobId!)
    expect(done.status, done.error ?? '').toBe('done')
    const { meta } = await core.transcripts.get(done.transcriptId!)
    expect(meta.durationSec).toBeCloseTo(5, 0)
    expect(existsSync(path.join(dir, 'recordings', id!))).toBe(false)
    expect(await core.recording.recoverable()).toEqual([])
    await core.close()
  })
})

describe('a live recording its page abandoned', { timeout: 60_000 }, () => {
  it('is offered for recovery once nothing has been heard from the page for a while, not before', async () => {
    const { core, model } = await openTranscribeCore(tempDir())
    const rec = await core.recording.start({ deviceLabel: '', model, language: 'en' })
    const tone = new Int16Array(16000).map((_, i) => Math.round(8000 * Math.sin(i / 5)))
    await core.recording.append(rec.id, 0, Buffer.from(tone.buffer).toString('base64'))
    expect(await core.recording.recoverable()).toEqual([])
    await expect(core.recording.recover(rec.id, 'finish')).rejects.toThrow(/still running/)
    core.recording.abandonAfterMs = 0
    expect((await core.recording.recoverable()).map((r) => r.id)).toEqual([rec.id])
    const { jobId } = await core.recording.recover(rec.id, 'finish')
    const done = await finished(core, jobId!)
    expect(done.status, done.error ?? '').toBe('done')
    await expect(core.recording.append(rec.id, 1, '')).rejects.toThrow(/No live recording/)
    await core.close()
  })
})

describe('a live recording whose page is gone', { timeout: 60_000 }, () => {
  it("is offered at once when its page's event stream closes (a reload, a closed tab); another page's does not count", async () => {
    const { core, model } = await openTranscribeCore(tempDir())
    const staticDir = tempDir()
    mkdirSync(staticDir, { recursive: true })
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><p>app</p>')
    const host = await startWebHost(core, { staticDir })
    const abandoned: unknown[] = []
    const off = core.events.subscribe((name, payload) => name === 'recording.abandoned' && abandoned.push(payload))
    // each page load holds one event stream, named by its page id, as the renderer opens it
    const openStream = (page: string) =>
      new Promise<http.ClientRequest>((resolve, reject) => {
        const req = http.get(`${new URL(host.url).origin}/api/events?token=${host.token}&page=${page}`, (res) => {
          res.once('data', () => resolve(req))
        })
        req.on('error', () => undefined)
        setTimeout(() => reject(new Error('no event stream')), 10_000)
      })
    try {
      const recording = await openStream('page-1')
      const looking = await openStream('page-2')
      const rec = await core.handlers['recording.start']({ deviceLabel: '', model, language: 'en', page: 'page-1' })
      const tone = new Int16Array(16000).map((_, i) => Math.round(8000 * Math.sin(i / 5)))
      await core.recording.append(rec.id, 0, Buffer.from(tone.buffer).toString('base64'))
      // another tab closing says nothing about this recording
      looking.destroy()
      await until('the other stream to close', () => host.eventClients() === 1)
      expect(await core.recording.recoverable()).toEqual([])
      // the recording page reloads: its stream ends, and the recording is offered now
      recording.destroy()
      await until('the page to be seen gone', () => abandoned.length > 0, 15_000)
      expect(abandoned).toEqual([{ id: rec.id }])
      expect((await core.recording.recoverable()).map((r) => r.id)).toEqual([rec.id])
      const { jobId } = await core.recording.recover(rec.id, 'finish')
      expect((await finished(core, jobId!)).status).toBe('done')
    } finally {
      off()
      await host.close()
      await core.close()
    }
  })
})
