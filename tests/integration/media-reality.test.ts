import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeWindows } from '../../src/core/media/decode'
import { probe } from '../../src/core/media/probe'
import { makeCutShortMp4, makeMedia, makeMismatchedVideo } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { finished, installMiniModel, openTranscribeCore } from '../helpers/transcribe-env'

const tempDir = useTempDirs()

async function setup() {
  return openTranscribeCore(tempDir())
}
const root = path.resolve(import.meta.dirname, '../..')

async function transcribeOne(file: string) {
  const { core, model } = await setup()
  const [job] = await core.transcription.add([file], { model })
  const done = await finished(core, job!.id)
  const transcript = done.transcriptId ? await core.transcripts.get(done.transcriptId) : null
  await core.close()
  return { done, transcript }
}

describe('the audio stream’s own timing', () => {
  it('probe reports where the audio starts and how long it is, apart from the picture', async () => {
    const dir = tempDir()
    for (const ext of ['mp4', 'mkv']) {
      const short = await probe(makeMismatchedVideo(dir, `short.${ext}`, { videoSec: 17.7, audioSec: 15.7 }))
      expect(short.durationSec).toBeCloseTo(17.7, 1)
      expect(short.audioStartSec).toBeCloseTo(0, 1)
      expect(short.audioDurationSec).toBeCloseTo(15.7, 1)
      const late = await probe(makeMismatchedVideo(dir, `late.${ext}`, { videoSec: 10, audioSec: 6, audioDelaySec: 2 }))
      expect(late.durationSec).toBeCloseTo(10, 1)
      expect(Math.abs(late.audioStartSec - 2)).toBeLessThan(0.05)
      expect(Math.abs(late.audioDurationSec! - 6)).toBeLessThan(0.05)
    }
  })
})

describe('media as it really is', () => {
  it('a video whose audio ends before the picture is transcribed completely, not refused', async () => {
    for (const ext of ['mp4', 'mkv']) {
      const dir = tempDir()
      const { done, transcript } = await transcribeOne(
        makeMismatchedVideo(dir, `ekran kaydı.${ext}`, { videoSec: 17.7, audioSec: 15.7 }),
      )
      expect([ext, done.status, done.error]).toEqual([ext, 'done', null])
      expect(done.partial ?? null).toBeNull()
      expect(transcript!.meta.partial ?? null).toBeNull()
      expect(transcript!.segments.length).toBeGreaterThan(0)
      expect(transcript!.segments.at(-1)!.end).toBeLessThanOrEqual(15.75)
    }
  })

  it('audio that starts 2 s late: done, and its words sit on the file’s timeline (2 s later)', async () => {
    for (const ext of ['mp4', 'mkv']) {
      const dir = tempDir()
      const { done, transcript } = await transcribeOne(
        makeMismatchedVideo(dir, `late.start.${ext}`, { videoSec: 10, audioSec: 6, audioDelaySec: 2 }),
      )
      expect([ext, done.status, done.error]).toEqual([ext, 'done', null])
      expect(done.partial ?? null).toBeNull()
      const segs = transcript!.segments
      expect(segs.length).toBeGreaterThan(0)
      // the first word can be no earlier than the sound; nothing after the sound ends
      for (const s of segs) {
        expect(s.start).toBeGreaterThanOrEqual(1.95)
        expect(s.end).toBeLessThanOrEqual(8.05)
      }
    }
  })

  it('a file cut short keeps what decoded: saved, marked partial with how much, a warning not a failure', async () => {
    const dir = tempDir()
    const { done, transcript } = await transcribeOne(makeCutShortMp4(dir, 'yarım indirme.mp4', 16, 0.57))
    expect(done.status).toBe('done')
    expect(done.error).toBeNull()
    expect(done.partial).toBeDefined()
    expect(done.partial!.expectedSec).toBeCloseTo(16, 0)
    expect(done.partial!.decodedSec).toBeGreaterThan(4)
    expect(done.partial!.decodedSec).toBeLessThan(14)
    expect(transcript!.meta.partial).toEqual(done.partial)
    expect(transcript!.segments.length).toBeGreaterThan(0)
    expect(transcript!.segments.at(-1)!.end).toBeLessThanOrEqual(done.partial!.decodedSec + 0.05)
  })

  it('the CLI writes the partial output, says how much, and exits with 3', async () => {
    const dir = tempDir()
    const model = await installMiniModel(dir)
    const cut = makeCutShortMp4(dir, 'kesik.kayıt.mp4', 16, 0.57)
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [
        path.join(root, 'bin/mp4totext.mjs'),
        'transcribe',
        cut,
        '--model',
        model,
        '--data-dir',
        dir,
      ])
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (c: Buffer) => (stdout += c))
      child.stderr.on('data', (c: Buffer) => (stderr += c))
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    })
    expect(r.code).toBe(3)
    const out = path.join(dir, 'kesik.kayıt.txt')
    expect(existsSync(out)).toBe(true)
    expect(readFileSync(out, 'utf8').trim().length).toBeGreaterThan(0)
    expect(r.stdout + r.stderr).toMatch(/kesik\.kayıt\.mp4.*partial: only \d+\.\d s of 16\.0 s/)
  })
})

describe('failures name the user’s file, say what to do, and offer Retry only when it can help', () => {
  it('a file that is not media, in an internal upload folder', async () => {
    const { core, dir, model } = await setup()
    const uploads = path.join(dir, 'uploads', 'a1b2c3')
    mkdirSync(uploads, { recursive: true })
    const notes = path.join(uploads, 'notlar.v2.mp4')
    writeFileSync(notes, 'plain text, not media\n'.repeat(40))
    const nothing = makeCutShortMp4(uploads, 'boş.mp4', 16, 0.02)
    const good = makeMedia(dir, 'good.wav', { seconds: 1, noise: true })
    const jobs = await core.transcription.add([notes, nothing, path.join(dir, 'gone.wav'), good], { model })
    const [notMedia, broken, gone] = await Promise.all(jobs.map((j) => finished(core, j.id)))
    for (const j of [notMedia!, broken!]) {
      expect(j.status).toBe('failed')
      expect(j.error).toContain(j.fileName)
      expect(j.error).not.toContain(uploads)
      expect(j.error).not.toMatch(/ffmpeg/i)
      expect(j.retryable).toBe(false)
    }
    // a missing file may come back (a drive plugged in again): Retry can help there
    expect(gone!.error).toMatch(/gone\.wav/)
    expect(gone!.error).not.toContain(dir)
    expect(gone!.retryable).toBe(true)
    await core.close()
  })
})

describe('ffmpeg reads only the file it was given', () => {
  it('an HLS playlist or a concat list pointing at another local file is refused, and that file is not read', async () => {
    const dir = tempDir()
    const secretDir = path.join(dir, 'private')
    mkdirSync(secretDir)
    const secret = makeMedia(secretDir, 'secret.wav', { seconds: 3, noise: true })
    const hls = path.join(dir, 'video.m3u8')
    writeFileSync(hls, `#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:3,\n${secret}\n#EXT-X-ENDLIST\n`)
    // a concat list naming a sibling by a "safe" relative name passes ffmpeg's own -safe check
    copyFileSync(secret, path.join(dir, 'sibling.wav'))
    const concat = path.join(dir, 'lecture.mp4')
    writeFileSync(concat, 'ffconcat version 1.0\nfile sibling.wav\n')
    for (const f of [hls, concat]) {
      await expect(probe(f)).rejects.toMatchObject({ reason: 'not-media' })
      const decoded: number[] = []
      const run = async () => {
        for await (const w of decodeWindows(f, 600)) decoded.push(w.durationSec)
      }
      await expect(run()).rejects.toMatchObject({ reason: 'not-media' })
      expect(decoded).toEqual([])
    }
  })

  it('a playlist pointing at the network makes no request', async () => {
    const dir = tempDir()
    const hits: string[] = []
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? '')
      res.end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const hls = path.join(dir, 'stream.m3u8')
    writeFileSync(
      hls,
      `#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXT-X-KEY:METHOD=AES-128,URI="${base}/key"\n#EXTINF:3,\n${base}/seg.ts\n#EXT-X-ENDLIST\n`,
    )
    const concat = path.join(dir, 'list.ffconcat')
    writeFileSync(concat, `ffconcat version 1.0\nfile ${base}/a.wav\n`)
    for (const f of [hls, concat]) {
      await expect(probe(f)).rejects.toMatchObject({ reason: 'not-media' })
      const run = async () => {
        for await (const w of decodeWindows(f, 600)) void w
      }
      await expect(run()).rejects.toBeDefined()
    }
    server.close()
    expect(hits).toEqual([])
  })
})

describe('decode temp folders', () => {
  it('carry the owning process id, so a later start can sweep those of dead processes', async () => {
    const file = makeMedia(tempDir(), 'a.wav', { seconds: 1 })
    const dirs: string[] = []
    for await (const w of decodeWindows(file, 600)) dirs.push(path.basename(path.dirname(w.wavPath)))
    expect(dirs).toHaveLength(1)
    expect(dirs[0]).toMatch(new RegExp(`^mp4totext-pcm-${process.pid}-[A-Za-z0-9]{6}$`))
  })
})
