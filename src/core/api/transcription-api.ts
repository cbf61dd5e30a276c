import { timingSafeEqual } from 'node:crypto'
import type http from 'node:http'
import { Readable, Transform } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { whisperLanguageCodes } from '../../shared/languages'
import { cloudTranscriptionModel, providers } from '../../shared/providers'
import { isJobOver, transcriptText, type Job, type Segment, type TranscriptMeta } from '../../shared/transcribe-types'
import { drainRest } from '../runtime/drain-request'
import type { EventBus } from '../event-bus'
import type { ModelManager } from '../models/model-manager'
import type { Store } from '../store/store'
import type { TranscriptionService } from '../transcribe/transcription-service'
import { untoldReceivers } from '../transcribe/remote-transcriber'
import type { TranscriptStore } from '../transcribe/transcript-store'
import { formatBytes, saveUpload, UploadRefused } from '../uploads/upload-store'

/**
 * The OpenAI-compatible transcription API (`POST /v1/audio/transcriptions`, `GET /v1/models`),
 * as one plain Node handler the web host, `mp4totext serve` and the desktop app all mount. A
 * request is a job like one added in the app: the same queue, speech detection and credit
 * rules, and its transcript lands in the app's history.
 */

export const API_BASE_PATH = '/v1'

/**
 * The most one request may carry. The multipart body is held in memory while it is read (that is
 * how `Request.formData()` works), so the cap is well below the app's 20 GiB upload; OpenAI's own
 * is 25 MB.
 */
export const MAX_API_UPLOAD_BYTES = 512 * 1024 ** 2

/** What `whisper-1` (the name every OpenAI tool sends by default) stands for: the model chosen in the app. */
export const DEFAULT_MODEL_ALIAS = 'whisper-1'

const RESPONSE_FORMATS = ['json', 'verbose_json', 'text', 'srt', 'vtt'] as const
type ResponseFormat = (typeof RESPONSE_FORMATS)[number]

export interface TranscriptionApiDeps {
  dataDir: string
  store: Store
  events: EventBus
  transcription: TranscriptionService
  transcripts: TranscriptStore
  models: ModelManager
}

export interface TranscriptionApiOptions {
  /** the bearer token a client must send */
  token: () => Promise<string>
  /** tests: a smaller cap */
  maxUploadBytes?: number
}

/** One request's answer, or the reason there is none, in OpenAI's error shape. */
class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'server_error',
    readonly code: string | null,
    readonly param: string | null = null,
  ) {
    super(message)
  }
}

const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiFailure(400, message, 'invalid_request_error', code, param)

/**
 * Returns a handler that answers every request under /v1 (true) and leaves others to the caller
 * (false).
 */
export function transcriptionApi(
  deps: TranscriptionApiDeps,
  opts: TranscriptionApiOptions,
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean> {
  const maxBytes = opts.maxUploadBytes ?? MAX_API_UPLOAD_BYTES
  return async (req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname
    if (pathname !== API_BASE_PATH && !pathname.startsWith(`${API_BASE_PATH}/`)) return false
    try {
      if (!(await authorised(req, opts.token))) {
        throw new ApiFailure(
          401,
          'Missing or wrong API key. Send the key shown in MP4toText’s Settings (or printed by mp4totext serve) as "Authorization: Bearer KEY".',
          'authentication_error',
          'invalid_api_key',
        )
      }
      const route = pathname.slice(API_BASE_PATH.length)
      if (req.method === 'GET' && route === '/models') return (sendJson(res, 200, await modelList(deps)), true)
      const one = /^\/models\/(.+)$/.exec(route)
      if (req.method === 'GET' && one) {
        const id = decodeURIComponent(one[1]!)
        const model = (await modelList(deps)).data.find((m) => m.id === id)
        if (!model) throw unknownModel(id, await installedNames(deps))
        return (sendJson(res, 200, model), true)
      }
      if (req.method === 'POST' && (route === '/audio/transcriptions' || route === '/audio/translations')) {
        await transcribe(deps, req, res, { maxBytes, translate: route === '/audio/translations' })
        return true
      }
      throw new ApiFailure(
        404,
        `There is no ${req.method} ${pathname} here. This server offers POST ${API_BASE_PATH}/audio/transcriptions and GET ${API_BASE_PATH}/models.`,
        'invalid_request_error',
        'unknown_url',
      )
    } catch (err) {
      const failure =
        err instanceof ApiFailure
          ? err
          : new ApiFailure(500, `MP4toText could not answer: ${(err as Error).message}`, 'server_error', null)
      if (res.headersSent) res.destroy()
      else refuse(req, res, failure)
      return true
    }
  }
}

async function authorised(req: http.IncomingMessage, token: () => Promise<string>): Promise<boolean> {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1]
  if (!given) return false
  const want = Buffer.from(await token())
  const got = Buffer.from(given)
  return got.length === want.length && timingSafeEqual(got, want)
}

async function installedNames(deps: TranscriptionApiDeps): Promise<string[]> {
  return (await deps.models.list()).filter((m) => m.installed).map((m) => m.name)
}

async function modelList(deps: TranscriptionApiDeps) {
  const names = await installedNames(deps)
  const owned = (id: string) => ({ id, object: 'model' as const, created: 0, owned_by: 'mp4totext' })
  return { object: 'list' as const, data: [...(names.length ? [owned(DEFAULT_MODEL_ALIAS)] : []), ...names.map(owned)] }
}

function unknownModel(name: string, installed: string[]): ApiFailure {
  const have = installed.length
    ? `Installed here: ${installed.join(', ')} (or ${DEFAULT_MODEL_ALIAS} for the one chosen in the app).`
    : 'No whisper model is installed yet: download one on the Models page, or run "mp4totext models pull base".'
  return new ApiFailure(
    404,
    `The model "${name}" is not installed in MP4toText. ${have}`,
    'invalid_request_error',
    'model_not_found',
    'model',
  )
}

/** The model a request names, as the queue takes it: an installed whisper model, the default, or a cloud model. */
async function modelFor(deps: TranscriptionApiDeps, name: string): Promise<string> {
  const installed = await installedNames(deps)
  if (name === DEFAULT_MODEL_ALIAS) {
    const chosen = deps.store.data.settings.whisperModel
    const model = chosen && installed.includes(chosen) ? chosen : installed[0]
    if (!model) throw unknownModel(name, installed)
    return model
  }
  // a cloud model costs its credits as in the app; its key and privacy notice are the app's
  const cloud = cloudTranscriptionModel(name)
  if (cloud && deps.transcription.remote) {
    try {
      deps.transcription.remote.row(cloud.provider, cloud.modelId)
    } catch (err) {
      throw new ApiFailure(404, (err as Error).message, 'invalid_request_error', 'model_not_found', 'model')
    }
    // the audio would leave the computer: only once its user was told so in the app and agreed
    if (untoldReceivers({ model: name }, deps.store.data.settings).length)
      throw new ApiFailure(
        403,
        `${name} sends the audio to ${providers[cloud.provider].name}, and this computer's user has not agreed to that yet. In MP4toText, transcribe one file with this model (it asks once), then try again; or use a local model.`,
        'permission_error',
        'cloud_not_agreed',
        'model',
      )
    return name
  }
  // names only: a path would let a client load any file as a model
  if (!installed.includes(name)) throw unknownModel(name, installed)
  return name
}

interface Request {
  file: File
  model: string
  language: string | undefined
  prompt: string
  format: ResponseFormat
  words: boolean
  segments: boolean
}

async function readRequest(req: http.IncomingMessage, maxBytes: number): Promise<FormData> {
  const type = req.headers['content-type'] ?? ''
  if (!/^multipart\/form-data\s*;/i.test(type))
    throw badRequest(
      'Send the audio as multipart/form-data with the file in the "file" field (as OpenAI’s API takes it).',
      'file',
    )
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes)
  let size = 0
  const counted = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length
      cb(size > maxBytes ? tooLarge(maxBytes) : null, chunk)
    },
  })
  // piped, not a pipeline: a refused body must not destroy the request, or the client would see
  // a reset instead of the 413 (refuse() drains what is left)
  req.pipe(counted)
  req.once('error', (err) => counted.destroy(err))
  try {
    const body = Readable.toWeb(counted) as NodeReadableStream<Uint8Array>
    return await new Response(body as unknown as ConstructorParameters<typeof Response>[0], {
      headers: { 'content-type': type },
    }).formData()
  } catch (err) {
    req.unpipe(counted)
    if (size > maxBytes) throw tooLarge(maxBytes)
    throw badRequest(`The request is not readable multipart/form-data: ${(err as Error).message}`)
  }
}

function tooLarge(maxBytes: number): ApiFailure {
  return new ApiFailure(
    413,
    `The request is larger than ${formatBytes(maxBytes)}, the most the transcription API takes in one request. Split it, or add it in the app, which takes files of any size.`,
    'invalid_request_error',
    'file_too_large',
    'file',
  )
}

async function parseRequest(deps: TranscriptionApiDeps, form: FormData): Promise<Request> {
  const file = form.get('file')
  if (!(file instanceof File)) throw badRequest('Add the audio or video file as the "file" field.', 'file')
  if (file.size === 0)
    throw badRequest(`${file.name || 'The file'} is empty: there is no audio to transcribe.`, 'file', 'invalid_file')
  const text = (name: string) => {
    const v = form.get(name)
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
  }
  const format = text('response_format') ?? 'json'
  if (!(RESPONSE_FORMATS as readonly string[]).includes(format))
    throw badRequest(
      `response_format "${format}" is not offered; choose one of ${RESPONSE_FORMATS.join(', ')}.`,
      'response_format',
    )
  if (text('stream') === 'true')
    throw badRequest('Streaming is not offered: leave "stream" off and the whole transcript comes at once.', 'stream')
  const language = text('language')?.toLowerCase()
  if (language !== undefined && language !== 'auto' && !(whisperLanguageCodes as readonly string[]).includes(language))
    throw badRequest(
      `"${language}" is not a language whisper knows; give an ISO 639-1 code such as en or tr, or leave it out to detect it.`,
      'language',
    )
  const prompt = text('prompt') ?? ''
  if (prompt.length > 2000) throw badRequest(`The prompt has ${prompt.length} characters; the most is 2000.`, 'prompt')
  const granularities = [...form.getAll('timestamp_granularities[]'), ...form.getAll('timestamp_granularities')].map(String)
  const unknown = granularities.find((g) => g !== 'word' && g !== 'segment')
  if (unknown !== undefined)
    throw badRequest(`timestamp_granularities takes word and segment, not "${unknown}".`, 'timestamp_granularities')
  return {
    file,
    model: await modelFor(deps, text('model') ?? DEFAULT_MODEL_ALIAS),
    language,
    prompt,
    format: format as ResponseFormat,
    words: granularities.includes('word'),
    // as OpenAI: segments unless only words were asked for
    segments: granularities.length === 0 || granularities.includes('segment'),
  }
}

async function transcribe(
  deps: TranscriptionApiDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: { maxBytes: number; translate: boolean },
): Promise<void> {
  // a long-running `mp4totext serve` does not follow db.json: the app's latest settings count
  await deps.store.refresh()
  const asked = await parseRequest(deps, await readRequest(req, opts.maxBytes))
  let media: string
  try {
    media = await saveUpload(
      deps.dataDir,
      asked.file.name || 'upload',
      Readable.fromWeb(asked.file.stream() as NodeReadableStream<Uint8Array>),
      {
        declaredBytes: asked.file.size,
      },
    )
  } catch (err) {
    if (err instanceof UploadRefused) throw new ApiFailure(err.httpStatus, err.message, 'server_error', 'upload_refused', 'file')
    throw err
  }
  const settings = deps.store.data.settings
  const [job] = await deps.transcription.add([media], {
    model: asked.model,
    language: asked.language ?? settings.transcribeLanguage,
    translate: opts.translate,
    prompt: asked.prompt,
  })
  const done = await jobOver(deps, job!.id, res)
  if (done.status !== 'done') {
    // the client has its file and the reason: a failed request leaves nothing behind in the queue
    await deps.transcription.removeJob(done.id).catch(() => undefined)
    if (done.status === 'cancelled' && res.destroyed) return
    if (done.status === 'cancelled')
      throw new ApiFailure(400, 'The transcription was cancelled in MP4toText.', 'invalid_request_error', 'cancelled')
    if (done.errorReason)
      throw badRequest(`${done.fileName} cannot be transcribed: ${done.error ?? done.errorReason}`, 'file', 'invalid_file')
    throw new ApiFailure(
      500,
      `The transcription failed: ${done.error ?? 'the engine stopped'}. Try again; if it keeps failing, try another model.`,
      'server_error',
      'transcription_failed',
    )
  }
  const { meta, segments } = await deps.transcripts.get(done.transcriptId!)
  await answer(deps, res, asked, opts.translate, meta, segments)
}

/** The job once it stops; a client that hangs up first cancels it (nobody would get the transcript). */
function jobOver(deps: TranscriptionApiDeps, id: string, res: http.ServerResponse): Promise<Job> {
  return new Promise((resolve) => {
    const check = (j: Job) => {
      if (j.id !== id || !isJobOver(j.status) || j.status === 'interrupted') return
      off()
      res.off('close', gone)
      resolve(j)
    }
    const gone = () => deps.transcription.cancel(id)
    const off = deps.events.subscribe((name, p) => name === 'transcribe.job' && check(p as Job))
    res.once('close', gone)
    const now = deps.transcription.jobs().find((j) => j.id === id)
    if (now) check(now)
  })
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' })
/** OpenAI names the language ("turkish"); whisper gives a code. */
function languageName(code: string): string {
  if (code === 'auto') return 'unknown'
  try {
    return (languageNames.of(code) ?? code).toLowerCase()
  } catch {
    return code
  }
}

async function answer(
  deps: TranscriptionApiDeps,
  res: http.ServerResponse,
  asked: Request,
  translate: boolean,
  meta: TranscriptMeta,
  segments: Segment[],
): Promise<void> {
  const text = transcriptText(segments, meta.speakers)
  switch (asked.format) {
    case 'json':
      return sendJson(res, 200, { text })
    case 'text':
    case 'srt':
    case 'vtt': {
      // the app's own exporters: one home for each format
      const format = asked.format === 'text' ? 'txt' : asked.format
      const { content } = await deps.transcripts.exportText(meta.id, format)
      const type = { text: 'text/plain', srt: 'application/x-subrip', vtt: 'text/vtt' }[asked.format]
      return send(res, 200, `${type}; charset=utf-8`, content)
    }
    case 'verbose_json':
      return sendJson(res, 200, {
        task: translate ? 'translate' : 'transcribe',
        language: languageName(meta.language),
        duration: meta.durationSec,
        text,
        ...(asked.segments
          ? {
              segments: segments.map((s, i) => ({
                id: i,
                seek: 0,
                start: s.start,
                end: s.end,
                text: s.text,
                tokens: [],
                temperature: 0,
                avg_logprob: 0,
                compression_ratio: 0,
                no_speech_prob: 0,
                ...(s.speaker ? { speaker: meta.speakers?.[s.speaker] ?? s.speaker } : {}),
              })),
            }
          : {}),
        ...(asked.words
          ? { words: segments.flatMap((s) => (s.words ?? []).map((w) => ({ word: w.text, start: w.start, end: w.end }))) }
          : {}),
      })
  }
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body))
}

/** Answer the failure, then read and drop the rest of the body so the client reads the answer instead of a reset. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, f: ApiFailure): void {
  if (f.status === 401) res.setHeader('www-authenticate', 'Bearer')
  sendJson(res, f.status, { error: { message: f.message, type: f.type, param: f.param, code: f.code } })
  drainRest(req)
}
