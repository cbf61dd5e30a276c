import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeMedia } from '../helpers/media'
import { pySrt, pyWebvtt } from '../helpers/subtitle-readers'
import { useTempDirs } from '../helpers/temp-dir'
import { installMiniModel } from '../helpers/transcribe-env'
import { until } from '../helpers/until'
import { readLibrary } from '../helpers/library-rows'

const tempDir = useTempDirs()
const bin = path.resolve(import.meta.dirname, '../../bin/mp4totext.mjs')

// `mp4totext serve` as its own process, spoken to by the official OpenAI SDK, as any tool would
describe('mp4totext serve: the OpenAI-compatible transcription API', () => {
  let child: ChildProcess
  let output = ''
  let dataDir = ''
  let media = ''
  let model = ''
  let url = ''
  let key = ''
  let client: OpenAI

  beforeAll(async () => {
    // one data folder for the whole server's life (a per-test folder would go under it)
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-serve-'))
    model = await installMiniModel(dataDir)
    media = makeMedia(dataDir, 'ders kaydı.wav', { seconds: 8 })
    child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (c: Buffer) => (output += c))
    child.stderr!.on('data', (c: Buffer) => (output += c))
    const printed = await until('the address and key', () => /API: (\S+)\nAPI key: (\S+)\n/.exec(output))
    url = printed[1]!
    key = printed[2]!
    // no retries: each answer is judged as the server gave it
    client = new OpenAI({ baseURL: url, apiKey: key, maxRetries: 0 })
  })

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('listens on this computer only, and its key lives in the data folder at 0600, printed once, never in db.json', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    const file = path.join(dataDir, 'api-token')
    expect(readFileSync(file, 'utf8').trim()).toBe(key)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(path.join(dataDir, 'db.json'), 'utf8')).not.toContain(key)
    expect(output.split(key).length - 1).toBe(1)
  })

  it('lists the installed models, whisper-1 standing for the one chosen in the app', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id)
    expect(ids).toEqual(['whisper-1', model])
  })

  it('json: the text, with whisper-1 or the model by name', async () => {
    const byAlias = await client.audio.transcriptions.create({ file: createReadStream(media), model: 'whisper-1' })
    expect(typeof byAlias.text).toBe('string')
    const byName = await client.audio.transcriptions.create({ file: createReadStream(media), model, response_format: 'json' })
    expect(typeof byName.text).toBe('string')
  })

  it('verbose_json with word and segment timestamps: the engine’s own timings, in order, inside the file', async () => {
    const r = await client.audio.transcriptions.create({
      file: createReadStream(media),
      model,
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
    })
    expect(r.duration).toBeCloseTo(8, 0)
    expect(typeof r.language).toBe('string')
    expect(r.segments!.length).toBeGreaterThan(0)
    for (const s of r.segments!) {
      expect(s.end).toBeGreaterThanOrEqual(s.start)
      expect(s.end).toBeLessThanOrEqual(8.5)
    }
    expect(r.text).toBe(
      r
        .segments!.map((s) => s.text.trim())
        .filter(Boolean)
        .join('\n'),
    )
    expect(r.words!.length).toBeGreaterThan(0)
    let previous = 0
    for (const w of r.words!) {
      expect(w.start).toBeGreaterThanOrEqual(previous)
      expect(w.end).toBeGreaterThanOrEqual(w.start)
      expect(w.word).toBe(w.word.trim())
      previous = w.start
    }
    // only words asked for: no segments, as OpenAI answers
    const wordsOnly = await client.audio.transcriptions.create({
      file: createReadStream(media),
      model,
      response_format: 'verbose_json',
      timestamp_granularities: ['word'],
    })
    expect(wordsOnly.segments).toBeUndefined()
    expect(wordsOnly.words!.length).toBeGreaterThan(0)
  })

  it('text, srt and vtt: plain text, and subtitles that readers not ours accept', async () => {
    const text = await client.audio.transcriptions.create({ file: createReadStream(media), model, response_format: 'text' })
    expect(typeof text).toBe('string')
    expect(text.endsWith('\n')).toBe(true)
    const srt = await client.audio.transcriptions.create({ file: createReadStream(media), model, response_format: 'srt' })
    const srtCues = pySrt(srt)
    expect(srtCues.length).toBeGreaterThan(0)
    for (const c of srtCues) expect(c.end).toBeGreaterThan(c.start)
    const vtt = await client.audio.transcriptions.create({ file: createReadStream(media), model, response_format: 'vtt' })
    expect(vtt.startsWith('WEBVTT')).toBe(true)
    const vttCues = pyWebvtt(vtt)
    expect(vttCues.length).toBeGreaterThan(0)
    for (const c of vttCues) expect(c.end).toBeGreaterThan(c.start)
  })

  it('a wrong or missing key is a 401 in OpenAI’s error shape', async () => {
    const wrong = new OpenAI({ baseURL: url, apiKey: 'sk-not-the-key', maxRetries: 0 })
    const err = await wrong.audio.transcriptions.create({ file: createReadStream(media), model }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401)
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key')
    const bare = await fetch(`${url}/models`)
    expect(bare.status).toBe(401)
    const body = (await bare.json()) as { error: { message: string; type: string; code: string } }
    expect(body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' })
    expect(body.error.message).toContain('Authorization: Bearer')
  })

  it('an unknown model is a 404 that names the installed ones', async () => {
    const err = await client.audio.transcriptions
      .create({ file: createReadStream(media), model: 'large-v9' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.NotFoundError)
    const e = err as InstanceType<typeof OpenAI.NotFoundError>
    expect(e.code).toBe('model_not_found')
    expect(e.message).toContain(model)
    // a path is not a model name: no client loads a file of its choosing
    const byPath = await client.audio.transcriptions
      .create({ file: createReadStream(media), model: path.join(dataDir, 'models', 'ggml-mini-test.bin') })
      .catch((x: unknown) => x)
    expect(byPath).toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('a file that is not media is a 400 saying so, and leaves no job behind', async () => {
    const notMedia = path.join(tempDir(), 'notlar.mp3')
    writeFileSync(notMedia, 'these are meeting notes, not audio\n'.repeat(50))
    const err = await client.audio.transcriptions.create({ file: createReadStream(notMedia), model }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.BadRequestError)
    const e = err as InstanceType<typeof OpenAI.BadRequestError>
    expect(e.code).toBe('invalid_file')
    expect(e.message).toContain('notlar.mp3')
    expect(readLibrary(dataDir).jobs.map((j) => j.fileName)).not.toContain('notlar.mp3')
  })

  it('each transcript lands in the app’s history, at 0 credits for a local model', async () => {
    await client.audio.transcriptions.create({ file: createReadStream(media), model })
    const db = readLibrary(dataDir)
    expect(db.transcripts.filter((t) => t.fileName === 'ders kaydı.wav' && t.model === model).length).toBeGreaterThan(0)
    expect(db.jobs.filter((j) => j.fileName === 'ders kaydı.wav').every((j) => j.status === 'done')).toBe(true)
    // the balance as the CLI sees it: untouched
    const listed = spawnSync(process.execPath, [bin, 'credits', '--json', '--data-dir', dataDir], { encoding: 'utf8' })
    expect(JSON.parse(listed.stdout)).toMatchObject({ balance: 1000 })
  })
})
