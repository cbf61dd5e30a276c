import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  CloudTranscribeError,
  type CloudProgress,
  type CloudSegment,
  transcribeInCloud,
} from '../../src/core/transcribe/cloud/cloud-transcriber'
import { joinPieces, planPieces } from '../../src/core/transcribe/cloud/piece-plan'
import {
  startedMinutes,
  transcriptionCredits,
  transcriptionCreditsForRow,
} from '../../src/core/transcribe/cloud/transcription-cost'
import { type FakeSttServer, type SttFault, startFakeSttServer } from '../helpers/fake-stt-server'
import { makeMedia } from '../helpers/media'
import { expectKeyed } from '../unit/keyed-refusal'
import { useMessages } from '../unit/use-messages'

// the refusals are also read as a Turkish page words them
useMessages('tr')

const GROQ_MODEL = 'whisper-large-v3-turbo'

let dir: string
let tone30: string
let tone4: string
let noise30: string
const servers: FakeSttServer[] = []
const server = async (opts: Parameters<typeof startFakeSttServer>[0] = {}) => {
  const s = await startFakeSttServer(opts)
  servers.push(s)
  return s
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-cloud-test-'))
  // a low-volume tone compresses to little: the lowered limit below forces pieces
  tone30 = makeMedia(dir, 'lecture.flac', { seconds: 1800, sampleRate: 16_000, freq: 300 })
  tone4 = makeMedia(dir, 'short.m4a', { seconds: 240, sampleRate: 16_000, freq: 300 })
  // white noise hardly compresses: 30 minutes of FLAC is ~55 MB, so the default 25 MB limit bites
  noise30 = makeMedia(dir, 'noisy.flac', { seconds: 1800, sampleRate: 16_000, noise: true })
}, 120_000)

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** "piece N segment M" → [N, M] */
const order = (s: CloudSegment) => {
  const m = /^piece (\d+) segment (\d+)$/.exec(s.text)
  expect(m, s.text).not.toBeNull()
  return [Number(m![1]), Number(m![2])] as const
}

/** Continuous, increasing, in the order the pieces were told, covering the audio. */
function expectContinuous(segments: CloudSegment[], totalSec: number) {
  expect(segments[0]!.start).toBe(0)
  expect(segments.at(-1)!.end).toBeCloseTo(totalSec, 1)
  for (let i = 1; i < segments.length; i++) {
    const a = segments[i - 1]!
    const b = segments[i]!
    expect(b.id).toBe(a.id + 1)
    expect(b.start).toBeGreaterThanOrEqual(a.end)
    expect(b.end).toBeGreaterThan(b.start)
    // nothing lost at a seam: the fake server tells every 5 s
    expect(b.start - a.end).toBeLessThan(5)
  }
  // each piece's segments come out together and in order (pieces may be answered out of order
  // when two are in flight, so N need not increase)
  const seen = new Set<number>()
  let last: readonly [number, number] | null = null
  for (const s of segments) {
    const [n, m] = order(s)
    if (last && n === last[0]) expect(m).toBe(last[1] + 1)
    else {
      expect(seen.has(n)).toBe(false)
      seen.add(n)
    }
    last = [n, m]
  }
}

describe('cloud transcription through the real SDKs', () => {
  it('sends a 30-minute file to Groq in pieces under the limit, with continuous timestamps', async () => {
    const s = await server({ apiKey: 'gsk-test' })
    const progress: CloudProgress[] = []
    const out = await transcribeInCloud(
      tone30,
      // Groq's documented URL, as people paste it; groq-sdk adds /openai/v1 itself
      {
        provider: 'groq',
        modelId: GROQ_MODEL,
        baseURL: `${s.url}/openai/v1`,
        apiKey: 'gsk-test',
        maxUploadBytes: 6_000_000,
        rpm: 20,
      },
      { onProgress: (p) => progress.push(p) },
    )
    expect(out.durationSec).toBeCloseTo(1800, 1)
    expect(out.pieces).toBeGreaterThan(5)
    expect(s.requests).toHaveLength(out.pieces)
    for (const r of s.requests) {
      expect(r.path).toBe('/openai/v1/audio/transcriptions')
      expect(r.status).toBe(200)
      expect(r.model).toBe(GROQ_MODEL)
      expect(r.responseFormat).toBe('verbose_json')
      expect(r.granularities).toContain('word')
      expect(r.fileType).toBe('audio/flac')
      expect(r.fileBytes).toBeGreaterThan(0)
      expect(r.fileBytes).toBeLessThan(6_000_000)
    }
    // the pieces overlap by 2 s at each seam and cover the whole file
    const sent = s.requests.reduce((a, r) => a + r.audioSec!, 0)
    expect(sent).toBeCloseTo(1800 + 2 * (out.pieces - 1), 0)
    expectContinuous(out.segments, 1800)
    expect(new Set(out.segments.map((x) => order(x)[0])).size).toBe(out.pieces)
    for (const x of out.segments) {
      expect(x.words!.map((w) => w.word).join(' ')).toBe(x.text)
      expect(x.words![0]!.start).toBeGreaterThanOrEqual(x.start)
      expect(x.words!.at(-1)!.end).toBeLessThanOrEqual(x.end)
    }
    expect(out.language).toBe('english')
    expect(progress[0]!.fraction).toBe(0)
    expect(progress.at(-1)!.fraction).toBe(1)
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.fraction).toBeGreaterThanOrEqual(progress[i - 1]!.fraction)
    expect(progress.at(-1)!.etaSec).toBe(0)
  }, 180_000)

  it('keeps every piece under the default 25 MB when the audio hardly compresses (OpenAI-compatible, openai SDK)', async () => {
    const s = await server({ apiKey: 'sk-test', maxFileBytes: 25_000_000 })
    const out = await transcribeInCloud(noise30, {
      provider: 'openai',
      modelId: 'whisper-1',
      baseURL: `${s.url}/v1`,
      apiKey: 'sk-test',
    })
    expect(out.pieces).toBeGreaterThanOrEqual(3)
    expect(s.requests.map((r) => r.status)).toEqual(s.requests.map(() => 200))
    for (const r of s.requests) {
      expect(r.path).toBe('/v1/audio/transcriptions')
      expect(r.fileBytes).toBeLessThan(25_000_000)
    }
    // the limit really was what bounded the pieces: the biggest came close to it
    expect(Math.max(...s.requests.map((r) => r.fileBytes))).toBeGreaterThan(15_000_000)
    expectContinuous(out.segments, 1800)
  }, 240_000)

  it('says which setting to lower when the provider refuses a piece as too large (413)', async () => {
    const s = await server({ maxFileBytes: 1_000_000 })
    const err = await transcribeInCloud(
      noise30,
      { provider: 'custom', modelId: 'large-v3', baseURL: `${s.url}/v1`, apiKey: null, maxUploadBytes: 3_000_000 },
      { concurrency: 1 },
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CloudTranscribeError)
    expect((err as CloudTranscribeError).kind).toBe('too-large')
    expect((err as Error).message).toMatch(/too large \(HTTP 413\).*Lower the upload limit/)
    // worded by the page from its key: a server by its address, the sizes as the message gives them
    expect(expectKeyed(err, 'cloud-piece-too-large')).toContain(`${s.url}/v1`)
    // not retried, and no further piece sent
    expect(s.requests.map((r) => r.status)).toEqual([413])
  }, 120_000)

  it('retries 429 and 503, honouring retry-after, then succeeds', async () => {
    const s = await server({ apiKey: 'gsk-test' })
    s.fail({ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'Rate limit reached' } } })
    s.fail({ status: 503, headers: { 'retry-after': '0' } })
    const out = await transcribeInCloud(tone4, {
      provider: 'groq',
      modelId: GROQ_MODEL,
      baseURL: s.url,
      apiKey: 'gsk-test',
      maxUploadBytes: 6_000_000,
    })
    expect(out.pieces).toBe(2)
    expect(s.requests.map((r) => r.status).sort()).toEqual([200, 200, 429, 503])
    expectContinuous(out.segments, 240)
  }, 60_000)

  it('gives up on a rate limit that does not lift, saying so', async () => {
    const s = await server()
    for (let i = 0; i < 4; i++) s.fail({ status: 429, headers: { 'retry-after': '0' } })
    const err = await transcribeInCloud(
      tone4,
      { provider: 'groq', modelId: GROQ_MODEL, baseURL: s.url, apiKey: 'k', maxUploadBytes: 6_000_000 },
      { concurrency: 1, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CloudTranscribeError)
    expect((err as CloudTranscribeError).code).toBe('rate-limited')
    expect((err as Error).message).toMatch(/rate limit reached for whisper-large-v3-turbo\. Gave up after 3 attempts/)
    expect(s.requests).toHaveLength(3)
  }, 60_000)

  it('fails at once on 401 with a clear message that never carries the key', async () => {
    const s = await server({ apiKey: 'the-right-key' })
    const err = await transcribeInCloud(
      tone4,
      { provider: 'groq', modelId: GROQ_MODEL, baseURL: s.url, apiKey: 'gsk-wrong-secret', maxUploadBytes: 6_000_000 },
      { concurrency: 1 },
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CloudTranscribeError)
    expect((err as CloudTranscribeError).code).toBe('provider-auth')
    expect((err as Error).message).toMatch(/^Groq rejected the API key \(HTTP 401\).*GROQ_API_KEY/)
    expect((err as Error).message).not.toContain('gsk-wrong-secret')
    expect(s.requests.map((r) => r.status)).toEqual([401])
  }, 60_000)

  it('says a garbage reply plainly, once: not "could not be reached", not retried, no internal text', async () => {
    const s = await server()
    const target = { provider: 'groq' as const, modelId: GROQ_MODEL, baseURL: s.url, apiKey: 'k', maxUploadBytes: 6_000_000 }
    const hooks = { concurrency: 1, retry: { maxAttempts: 6, baseDelayMs: 1, maxDelayMs: 1 } }
    const replies: SttFault[] = [
      { status: 200, raw: '<html><body>502 Bad Gateway</body></html>' },
      { status: 200, body: { text: 5, segments: 'nope' } },
      { status: 200, body: [1, 2, 3] },
      { status: 200, body: { segments: [null, 7, { start: 'x', end: 2, text: 'a' }] } },
    ]
    for (const reply of replies) {
      const before = s.requests.length
      s.fail(reply)
      const err = await transcribeInCloud(tone4, target, hooks).catch((e: unknown) => e)
      const label = JSON.stringify(reply)
      expect(err, label).toBeInstanceOf(CloudTranscribeError)
      expect((err as Error).message, label).toMatch(/^Groq sent a reply that is not a transcript/)
      expect((err as Error).message, label).not.toMatch(
        /could not be reached|is not a function|undefined|Unexpected token|JSON\.parse/,
      )
      expect((err as CloudTranscribeError).code, label).toBe('provider-error')
      // the app's own English, not the provider's words: worded by the page from its key
      expect(expectKeyed(err, 'cloud-bad-reply')).toContain('Groq')
      // one request for the piece that failed; the second piece was never sent, nothing retried
      expect(s.requests.length - before, label).toBe(1)
    }
  }, 60_000)

  it('stops at once on cancel: no request after it, temp files gone', async () => {
    const s = await server()
    const ac = new AbortController()
    let release!: () => void
    s.hold(new Promise<void>((r) => (release = r)))
    s.onRequest(() => ac.abort())
    const err = await transcribeInCloud(
      tone30,
      { provider: 'groq', modelId: GROQ_MODEL, baseURL: s.url, apiKey: 'k', maxUploadBytes: 6_000_000 },
      { signal: ac.signal, concurrency: 2 },
    ).catch((e: unknown) => e)
    release()
    expect(err).toBeInstanceOf(CloudTranscribeError)
    expect((err as CloudTranscribeError).code).toBe('cancelled')
    // at most the pieces already in flight when cancel came (2 workers), of 11
    const seen = s.requests.length
    expect(seen).toBeGreaterThanOrEqual(1)
    expect(seen).toBeLessThanOrEqual(2)
    expect(s.requests.every((r) => r.status === 0)).toBe(true)
    const mine = readdirSync(os.tmpdir()).filter((n) => n.startsWith(`mp4totext-pcm-${process.pid}-`))
    expect(mine).toEqual([])
    // a later file on the same process is unaffected
    s.hold(null)
    s.onRequest(null)
    const ok = await transcribeInCloud(tone4, { provider: 'groq', modelId: GROQ_MODEL, baseURL: s.url, apiKey: 'k' })
    expect(ok.segments.length).toBeGreaterThan(0)
    expect(s.requests.length).toBe(seen + 1)
  }, 120_000)

  it('sends each key only to its own server', async () => {
    const groq = await server({ apiKey: 'gsk-groq-key' })
    const openai = await server({ apiKey: 'sk-openai-key' })
    await transcribeInCloud(tone4, { provider: 'groq', modelId: GROQ_MODEL, baseURL: groq.url, apiKey: 'gsk-groq-key' })
    await transcribeInCloud(tone4, {
      provider: 'openai',
      modelId: 'whisper-1',
      baseURL: `${openai.url}/v1`,
      apiKey: 'sk-openai-key',
    })
    expect(groq.requests.length).toBeGreaterThan(0)
    expect(openai.requests.length).toBeGreaterThan(0)
    expect(groq.requests.every((r) => r.authorization === 'Bearer gsk-groq-key' && r.path.startsWith('/openai/v1/'))).toBe(true)
    expect(openai.requests.every((r) => r.authorization === 'Bearer sk-openai-key' && r.path.startsWith('/v1/'))).toBe(true)
  }, 60_000)

  it('cuts in the silences the VAD found, without overlap', async () => {
    const s = await server()
    const regions = [
      { start: 0, end: 50 },
      { start: 55, end: 100 },
      { start: 104, end: 170 },
      { start: 176, end: 240 },
    ]
    let vadSaw: string | null = null
    const out = await transcribeInCloud(
      tone4,
      { provider: 'custom', modelId: 'large-v3', baseURL: `${s.url}/v1`, apiKey: null, maxUploadBytes: 6_000_000 },
      {
        speechRegions: async (wav) => {
          vadSaw = existsSync(wav) ? wav : null
          return regions
        },
      },
    )
    expect(vadSaw).toMatch(/\.wav$/)
    expect(out.pieces).toBe(2)
    // a 6 MB limit allows 176 s of FLAC: the cut falls in the 170–176 s silence, and nothing is sent twice
    expect(s.requests.map((r) => r.audioSec).sort((a, b) => b! - a!)).toEqual([173, 67])
    expect(s.requests.every((r) => r.granularities.length === 0)).toBe(true)
    expectContinuous(out.segments, 240)
  }, 60_000)

  it('falls back to overlapping fixed windows when the VAD cannot run', async () => {
    const s = await server()
    const out = await transcribeInCloud(
      tone4,
      { provider: 'custom', modelId: 'large-v3', baseURL: `${s.url}/v1`, apiKey: null, maxUploadBytes: 6_000_000 },
      {
        speechRegions: () => Promise.reject(new Error('the VAD model is missing')),
      },
    )
    expect(out.pieces).toBe(2)
    const sent = s.requests.reduce((a, r) => a + r.audioSec!, 0)
    expect(sent).toBeCloseTo(242, 1)
    expectContinuous(out.segments, 240)
  }, 60_000)

  it('can send Opus, which packs far more audio under the same limit', async () => {
    const s = await server()
    const out = await transcribeInCloud(
      tone4,
      { provider: 'custom', modelId: 'large-v3', baseURL: `${s.url}/v1`, apiKey: null, maxUploadBytes: 6_000_000 },
      { codec: 'opus' },
    )
    expect(out.pieces).toBe(1)
    expect(s.requests[0]!.fileType).toBe('audio/ogg')
    expect(s.requests[0]!.audioSec).toBeCloseTo(240, 1)
    expectContinuous(out.segments, 240)
  }, 60_000)
})

describe('piece plan', () => {
  it('overlaps fixed windows by the overlap when no silence is known', () => {
    const p = planPieces(1000, { maxPieceSec: 400, overlapSec: 2 })
    expect(p.map((x) => [x.start, x.end, x.overlapBefore])).toEqual([
      [0, 400, 0],
      [398, 798, 2],
      [796, 1000, 2],
    ])
  })

  it('cuts in the middle of the latest silence that keeps a piece at least half as long', () => {
    const regions = [
      { start: 0, end: 50 },
      { start: 55, end: 100 },
      { start: 104, end: 170 },
      { start: 176, end: 240 },
    ]
    const p = planPieces(240, { maxPieceSec: 176, overlapSec: 2, speechRegions: regions })
    expect(p.map((x) => [x.start, x.end, x.overlapBefore])).toEqual([
      [0, 173, 0],
      [173, 240, 0],
    ])
    // one region longer than a piece: fixed windows with overlap inside it
    const long = planPieces(500, { maxPieceSec: 200, overlapSec: 2, speechRegions: [{ start: 0, end: 500 }] })
    expect(long.map((x) => x.overlapBefore)).toEqual([0, 2, 2])
  })

  it('joins pieces on the file timeline, dropping words repeated across a seam', () => {
    const segments = joinPieces(
      [
        {
          piece: { index: 1, start: 98, end: 150, overlapBefore: 2 },
          segments: [
            { start: 0, end: 3, text: ' went home. Today' },
            { start: 3, end: 8, text: ' it rained.' },
          ],
        },
        {
          piece: { index: 0, start: 0, end: 100, overlapBefore: 0 },
          segments: [
            { start: 90, end: 96, text: ' We left,' },
            { start: 96, end: 100, text: ' and then we went home.' },
          ],
        },
      ],
      1.5,
    )
    expect(segments).toEqual([
      { id: 0, start: 91.5, end: 97.5, text: 'We left,' },
      { id: 1, start: 97.5, end: 101.5, text: 'and then we went home.' },
      { id: 2, start: 101.5, end: 102.5, text: 'Today' },
      { id: 3, start: 102.5, end: 107.5, text: 'it rained.' },
    ])
  })

  it('joins 200,000 segments without running out of stack', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => ({ start: i * 0.01, end: i * 0.01 + 0.01, text: `w${i}` }))
    const segments = joinPieces([{ piece: { index: 0, start: 0, end: 2000, overlapBefore: 0 }, segments: many }])
    expect(segments).toHaveLength(200_000)
    expect(segments.at(-1)).toMatchObject({ id: 199_999, text: 'w199999' })
  })

  it('gives the later piece a segment that lies mostly past the seam', () => {
    const segments = joinPieces([
      { piece: { index: 0, start: 0, end: 12, overlapBefore: 0 }, segments: [{ start: 10.5, end: 12, text: 'cut off' }] },
      { piece: { index: 1, start: 10, end: 20, overlapBefore: 2 }, segments: [{ start: 0.5, end: 3, text: 'cut off here' }] },
    ])
    expect(segments.map((s) => s.text)).toEqual(['cut off here'])
  })
})

describe('transcription cost', () => {
  it('charges whole credits per started minute from the multiplier', () => {
    // whisper-large-v3-turbo at 1.0x: a credit a minute
    expect(transcriptionCredits(1800, 10)).toBe(30)
    expect(transcriptionCredits(1800.5, 10)).toBe(31)
    expect(transcriptionCredits(1800.0000001, 10)).toBe(30)
    expect(transcriptionCredits(59.9, 10)).toBe(1)
    expect(transcriptionCredits(0, 10)).toBe(0)
    // whisper-large-v3 at 2.8x
    expect(transcriptionCredits(1800, 28)).toBe(84)
    expect(transcriptionCredits(60, 28)).toBe(3)
    // a fraction of a credit is rounded up: a paid model never runs free
    expect(transcriptionCredits(60, 1)).toBe(1)
    expect(transcriptionCredits(180, 5)).toBe(2)
    // 0x rows cost nothing
    expect(transcriptionCredits(36_000, 0)).toBe(0)
    expect(startedMinutes(3600)).toBe(60)
    expect(startedMinutes(3600.001)).toBe(61)
  })

  it('refuses nonsense and enhancement rows', () => {
    expect(() => transcriptionCredits(-1, 10)).toThrow(/duration/)
    expect(() => transcriptionCredits(Number.NaN, 10)).toThrow(/duration/)
    expect(() => transcriptionCredits(60, 2.5)).toThrow(/whole number/)
    const row = { provider: 'groq', modelId: GROQ_MODEL, kind: 'transcription', multiplierTenths: 10 }
    expect(transcriptionCreditsForRow(row, 600)).toBe(10)
    expect(() => transcriptionCreditsForRow({ ...row, modelId: 'llama-3.1-8b-instant', kind: 'chat' }, 600)).toThrow(
      /not a transcription model/,
    )
  })
})
