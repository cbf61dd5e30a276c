import { promises as fs } from 'node:fs'
import Groq, { toFile as groqToFile } from 'groq-sdk'
import OpenAI, { toFile as openaiToFile } from 'openai'
import { providers, type TranscriptionProviderId } from '../../../shared/providers'
import { defaultBaseUrl } from '../../providers/endpoints'
import type { PieceTranscript, Word } from './piece-plan'

export type CloudProvider = TranscriptionProviderId | 'custom'

export interface SttRequest {
  filePath: string
  fileName: string
  mime: string
  modelId: string
  /** ISO-639-1, or undefined to let the model detect it */
  language?: string
  prompt?: string
  words: boolean
  signal: AbortSignal
}

export interface SttAnswer {
  segments: PieceTranscript['segments']
  words?: Word[]
  language: string | null
  /** the audio length the provider measured, when it says */
  durationSec: number | null
}

export interface SttClient {
  transcribe(req: SttRequest): Promise<SttAnswer>
}

/** verbose_json as both Groq and OpenAI-compatible servers return it (fields beyond these ignored). */
interface VerboseJson {
  text?: string
  language?: string
  duration?: number
  segments?: { start?: number; end?: number; text?: string }[]
  words?: { word?: string; start?: number; end?: number }[]
}

/**
 * Groq through groq-sdk, everything else through openai at its base URL. SDK retries are off:
 * retries and the rate limit are the caller's, so they honour retry-after and the shared limiter.
 */
export function createSttClient(cfg: {
  provider: CloudProvider
  baseURL: string | null
  apiKey: string | null
  timeoutMs: number
}): SttClient {
  // A self-hosted server may need no key, but both SDKs insist on one being present.
  const common = { apiKey: cfg.apiKey ?? 'no-key', maxRetries: 0, timeout: cfg.timeoutMs }
  // Always an explicit URL: left out, the SDKs would read GROQ_BASE_URL / OPENAI_BASE_URL from the
  // environment and send the key wherever that points.
  const baseURL = cfg.baseURL ?? defaultBaseUrl(cfg.provider)
  if (!baseURL) throw new Error('a self-hosted transcription server needs a base URL')
  if (providers[cfg.provider].sdk === 'groq-sdk') {
    const groq = new Groq({ ...common, baseURL: groqRoot(baseURL) })
    return {
      async transcribe(req) {
        const file = await groqToFile(await fs.readFile(req.filePath), req.fileName, { type: req.mime })
        const res = await groq.audio.transcriptions.create(
          {
            file,
            model: req.modelId,
            response_format: 'verbose_json',
            timestamp_granularities: req.words ? ['word', 'segment'] : ['segment'],
            temperature: 0,
            ...(req.language ? { language: req.language } : {}),
            ...(req.prompt ? { prompt: req.prompt } : {}),
          },
          { signal: req.signal },
        )
        return answer(res as unknown)
      },
    }
  }
  const openai = new OpenAI({ ...common, baseURL })
  return {
    async transcribe(req) {
      const file = await openaiToFile(await fs.readFile(req.filePath), req.fileName, { type: req.mime })
      const res = await openai.audio.transcriptions.create(
        {
          file,
          model: req.modelId,
          response_format: 'verbose_json',
          ...(req.words ? { timestamp_granularities: ['word', 'segment'] as ('word' | 'segment')[] } : {}),
          temperature: 0,
          ...(req.language ? { language: req.language } : {}),
          ...(req.prompt ? { prompt: req.prompt } : {}),
        },
        { signal: req.signal },
      )
      return answer(res as unknown)
    },
  }
}

/** People paste Groq's documented URL (…/openai/v1); groq-sdk wants the host and adds the path. */
function groqRoot(url: string): string {
  return url.replace(/\/openai\/v1\/?$/, '').replace(/\/$/, '')
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null)

/** A reply that is JSON but not a transcript: said as such, never retried (the next is the same). */
export class BadSttReply extends Error {
  constructor(readonly detail: string) {
    super(detail)
    this.name = 'BadSttReply'
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)

/** The transcript in a reply, checked field by field: a server may send anything. */
function answer(reply: unknown): SttAnswer {
  if (!isRecord(reply)) throw new BadSttReply(Array.isArray(reply) ? 'a list instead of an object' : `a bare ${typeof reply}`)
  const v = reply as VerboseJson
  const hasText = typeof v.text === 'string'
  if (v.segments !== undefined && !Array.isArray(v.segments)) throw new BadSttReply('"segments" is not a list')
  if (!hasText && !Array.isArray(v.segments)) throw new BadSttReply('neither "text" nor "segments"')
  const segments: SttAnswer['segments'] = []
  for (const s of (v.segments ?? []) as unknown[]) {
    if (!isRecord(s)) continue
    const start = num(s.start)
    const end = num(s.end)
    if (start === null || end === null || typeof s.text !== 'string') continue
    segments.push({ start, end: Math.max(start, end), text: s.text })
  }
  if (segments.length === 0 && (v.segments?.length ?? 0) > 0 && !hasText)
    throw new BadSttReply('no segment with a start, an end and a text')
  // a server that returns text but no segments still gave a transcript: one segment for all of it
  if (segments.length === 0 && hasText && v.text!.trim()) segments.push({ start: 0, end: num(v.duration) ?? 0, text: v.text! })
  const words: Word[] = []
  for (const w of (Array.isArray(v.words) ? v.words : []) as unknown[]) {
    if (!isRecord(w)) continue
    const start = num(w.start)
    const end = num(w.end)
    if (start !== null && end !== null && typeof w.word === 'string')
      words.push({ word: w.word, start, end: Math.max(start, end) })
  }
  return {
    segments,
    ...(words.length ? { words } : {}),
    language: typeof v.language === 'string' && v.language ? v.language : null,
    durationSec: num(v.duration),
  }
}
