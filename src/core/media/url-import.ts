import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { UrlImport, UrlImportTool } from '../../shared/calls/url-import-calls'
import { AppError, keyedError, toErrorShape } from '../../shared/errors'
import type { Settings } from '../../shared/settings-types'
import type { Job, TranscribeOptions } from '../../shared/transcribe-types'
import type { EventBus } from '../event-bus'
import { mediaExtensionOfType, mediaExtensions } from './regular-file'
import { freePath, safeFileName } from './safe-file-name'
import { classifyYtDlpFailure, findYtDlp, parseYtDlpLine, ytDlpArgs, ytDlpInstallCommand } from './yt-dlp'

export interface UrlImportDeps {
  dataDir: string
  settings: () => Settings
  events: EventBus
  env: NodeJS.ProcessEnv
  /** how the link is fetched (Electron: net.fetch, which honours the system proxy) */
  fetch?: typeof fetch
  /** queue the downloaded file, as a dropped one */
  addJob: (file: string, options: Partial<TranscribeOptions>) => Promise<Job[]>
}

/** Where kept downloads go: the data folder's, so they live as long as their transcripts. */
export const downloadsDirOf = (dataDir: string) => path.join(dataDir, 'downloads')
/** One folder per running import, named after the process: what a crash leaves is swept at the next start. */
const partialRootOf = (dataDir: string) => path.join(downloadsDirOf(dataDir), '.partial')

const MB = 1024 * 1024
/** a progress event at most each 1 % of a known size, or each 256 KiB of an unknown one */
const PROGRESS_STEP = 256 * 1024
const KEEP = 50

interface Running {
  state: UrlImport
  abort: AbortController
}

/**
 * Links turned into jobs. A link whose response is media (audio/* or video/*, or a media file
 * name) is downloaded directly, with its Content-Length checked against the size limit before a
 * byte is written and the limit enforced while streaming; any other page goes to yt-dlp when it
 * is installed. The file is written in a folder of its own and moved into downloads, named from
 * the title, only when whole: a failure or a cancel leaves nothing behind.
 */
export class UrlImports {
  private readonly imports = new Map<string, Running>()

  constructor(private readonly deps: UrlImportDeps) {}

  tool(): UrlImportTool {
    return {
      ytDlp: findYtDlp(this.deps.env),
      install: ytDlpInstallCommand(),
      maxMB: this.deps.settings().urlImportMaxMB,
    }
  }

  list(): UrlImport[] {
    return [...this.imports.values()].map((r) => r.state).reverse()
  }

  start(rawUrl: string, options: Partial<TranscribeOptions>, how: { noticeShown: boolean; queue: boolean }): UrlImport {
    const url = httpUrl(rawUrl)
    if (!how.noticeShown && !this.deps.settings().urlImportNoticeAcknowledged)
      throw keyedError(
        'needs-confirmation',
        'url-notice',
        { host: url.host },
        `Importing a link sends a request to ${url.host}; confirm once (Settings: urlImportNoticeAcknowledged)`,
      )
    const state: UrlImport = {
      id: randomUUID(),
      url: url.href,
      status: 'running',
      method: null,
      receivedBytes: 0,
      totalBytes: null,
      title: null,
      file: null,
      jobId: null,
      error: null,
    }
    const abort = new AbortController()
    this.imports.set(state.id, { state, abort })
    for (const old of [...this.imports.keys()].slice(0, Math.max(0, this.imports.size - KEEP))) {
      if (this.imports.get(old)?.state.status !== 'running') this.imports.delete(old)
    }
    void this.run(state, url, how.queue ? options : null, abort.signal)
    return { ...state }
  }

  cancel(id: string): boolean {
    const r = this.imports.get(id)
    if (!r || r.state.status !== 'running') return false
    r.abort.abort()
    return true
  }

  cancelAll(): void {
    for (const r of this.imports.values()) r.abort.abort()
  }

  private emit(state: UrlImport): void {
    this.deps.events.emit('urlImport.progress', { ...state })
  }

  private async run(state: UrlImport, url: URL, options: Partial<TranscribeOptions> | null, signal: AbortSignal): Promise<void> {
    const partDir = path.join(partialRootOf(this.deps.dataDir), `${process.pid}-${state.id}`)
    const limit = this.deps.settings().urlImportMaxMB * MB
    try {
      await fs.mkdir(partDir, { recursive: true })
      const got = await this.fetchMedia(state, url, partDir, limit, signal)
      const dir = downloadsDirOf(this.deps.dataDir)
      const target = freePath(dir, safeFileName(got.title), got.ext)
      await fs.rename(got.file, target)
      state.file = target
      state.title = got.title
      if (options) {
        const [job] = await this.deps.addJob(target, options)
        state.jobId = job?.id ?? null
      }
      state.status = 'done'
    } catch (err) {
      state.status = signal.aborted ? 'cancelled' : 'failed'
      state.error = signal.aborted ? { code: 'cancelled', message: 'The download was cancelled' } : toErrorShape(err)
    } finally {
      await fs.rm(partDir, { recursive: true, force: true }).catch(() => undefined)
    }
    this.emit(state)
  }

  /** The whole media file in `partDir`, and the title and extension it is kept under. */
  private async fetchMedia(
    state: UrlImport,
    url: URL,
    partDir: string,
    limit: number,
    signal: AbortSignal,
  ): Promise<{ file: string; title: string; ext: string }> {
    const fetchImpl = this.deps.fetch ?? fetch
    let res: Response
    try {
      res = await fetchImpl(url, { signal, redirect: 'follow' })
    } catch (err) {
      if (signal.aborted) throw err
      throw refused(url, (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message)
    }
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel()
      throw keyedError('not-found', 'url-not-found', { url: url.href }, `${url.href} was not found (HTTP ${res.status})`)
    }
    if (!res.ok) {
      await res.body?.cancel()
      throw refused(url, `HTTP ${res.status}`)
    }
    const type = res.headers.get('content-type') ?? ''
    const named = nameFromResponse(res, url)
    const typeExt = mediaExtensionOfType(type)
    const isMedia = /^(audio|video)\//i.test(type) || (named.ext !== null && !/^text\/html/i.test(type))
    if (isMedia) {
      state.method = 'direct'
      const ext = named.ext ?? typeExt ?? '.media'
      return { file: await this.streamDirect(state, res, path.join(partDir, `media${ext}`), limit), title: named.title, ext }
    }
    await res.body?.cancel()
    const ytDlp = findYtDlp(this.deps.env)
    if (!ytDlp) {
      if (/^text\/html|^application\/xhtml/i.test(type))
        throw keyedError(
          'not-found',
          'url-ytdlp-missing',
          { command: ytDlpInstallCommand() },
          `${url.href} is a web page; fetching media from pages needs yt-dlp (install it: ${ytDlpInstallCommand()}), or paste the media file's own link`,
        )
      throw notMedia(url)
    }
    state.method = 'yt-dlp'
    this.emit(state)
    return this.runYtDlp(ytDlp, state, url, partDir, limit, signal)
  }

  private async streamDirect(state: UrlImport, res: Response, file: string, limit: number): Promise<string> {
    const length = Number(res.headers.get('content-length') ?? NaN)
    state.totalBytes = Number.isFinite(length) && length >= 0 ? length : null
    if (state.totalBytes !== null && state.totalBytes > limit) {
      await res.body?.cancel()
      throw tooBig(limit)
    }
    this.emit(state)
    const out = await fs.open(file, 'wx', 0o600)
    let lastEmitted = 0
    try {
      if (!res.body) throw new AppError('provider-error', 'The server sent no body')
      const reader = res.body.getReader()
      for (;;) {
        const { done, value: chunk } = await reader.read()
        if (done) break
        state.receivedBytes += chunk.byteLength
        // a body longer than it said, or without a length, stops at the limit
        if (state.receivedBytes > limit) {
          await reader.cancel()
          throw tooBig(limit)
        }
        await out.write(chunk)
        if (state.receivedBytes - lastEmitted >= progressStep(state.totalBytes)) {
          lastEmitted = state.receivedBytes
          this.emit(state)
        }
      }
    } finally {
      await out.close()
    }
    return file
  }

  private runYtDlp(
    bin: string,
    state: UrlImport,
    url: URL,
    partDir: string,
    limit: number,
    signal: AbortSignal,
  ): Promise<{ file: string; title: string; ext: string }> {
    return new Promise((resolve, reject) => {
      // UTF-8 output whatever the system's locale, so titles in any script arrive whole
      const child = spawn(bin, ytDlpArgs(url.href, path.join(partDir, 'media.%(ext)s'), limit), {
        env: { ...this.deps.env, PYTHONIOENCODING: 'utf-8', PYTHONUTF8: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      })
      let title: string | null = null
      let file: string | null = null
      let output = ''
      let overLimit = false
      let lastEmitted = 0
      const stop = () => child.kill()
      signal.addEventListener('abort', stop, { once: true })
      const onLine = (line: string) => {
        const p = parseYtDlpLine(line)
        if (p.kind === 'title') title = p.title
        else if (p.kind === 'file') file = p.file
        else if (p.kind === 'other') output = `${output}${line}\n`.slice(-20_000)
        else {
          state.receivedBytes = p.receivedBytes
          state.totalBytes = p.totalBytes
          if (p.receivedBytes > limit || (p.totalBytes !== null && p.totalBytes > limit)) {
            overLimit = true
            stop()
          } else if (p.receivedBytes - lastEmitted >= progressStep(p.totalBytes) || p.receivedBytes === p.totalBytes) {
            lastEmitted = p.receivedBytes
            this.emit(state)
          }
        }
      }
      for (const stream of [child.stdout, child.stderr]) {
        let rest = ''
        stream.setEncoding('utf8')
        stream.on('data', (s: string) => {
          const lines = (rest + s).split(/\r?\n|\r/)
          rest = lines.pop() ?? ''
          lines.forEach(onLine)
        })
        stream.on('end', () => rest && onLine(rest))
      }
      child.on('error', (err) => {
        signal.removeEventListener('abort', stop)
        reject(refused(url, err.message))
      })
      child.on('close', (code) => {
        signal.removeEventListener('abort', stop)
        if (signal.aborted) return reject(new AppError('cancelled', 'The download was cancelled'))
        if (overLimit) return reject(tooBig(limit))
        const done = file as string | null
        // inside our own folder only: the name yt-dlp printed is read, never trusted elsewhere
        if (code === 0 && done && path.dirname(path.resolve(done)) === path.resolve(partDir)) {
          const ext = path.extname(done)
          return resolve({ file: done, title: title ?? path.basename(done, ext), ext: ext || '.media' })
        }
        const why = classifyYtDlpFailure(output)
        if (why.kind === 'too-big') return reject(tooBig(limit))
        if (why.kind === 'not-found')
          return reject(keyedError('not-found', 'url-not-found', { url: url.href }, `${url.href} was not found (HTTP 404)`))
        if (why.kind === 'not-media') return reject(notMedia(url))
        reject(refused(url, code === 0 ? 'yt-dlp gave no file' : why.detail))
      })
    })
  }
}

/** What a crashed process left in downloads/.partial: folders whose process is gone. */
export async function sweepPartialDownloads(dataDir: string): Promise<void> {
  const root = partialRootOf(dataDir)
  const names = await fs.readdir(root).catch(() => [] as string[])
  for (const name of names) {
    const pid = Number(name.split('-')[0])
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) continue
    if (pid === process.pid) continue
    await fs.rm(path.join(root, name), { recursive: true, force: true }).catch(() => undefined)
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const progressStep = (total: number | null) => (total ? Math.max(total / 100, 1) : PROGRESS_STEP)

/** Only a web link: a file:, data: or other scheme could read this machine instead of a site. */
function httpUrl(raw: string): URL {
  let url: URL | null = null
  try {
    url = new URL(raw.trim())
  } catch {
    url = null
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw keyedError(
      'invalid-input',
      'url-not-http',
      { url: raw.slice(0, 200) },
      `${raw.slice(0, 200)} is not an http or https link`,
    )
  return url
}

function tooBig(limit: number): AppError {
  const limitMB = Math.round(limit / MB)
  return keyedError(
    'invalid-input',
    'url-too-big',
    { limitMB },
    `The download is larger than the limit of ${limitMB} MB (Settings: urlImportMaxMB)`,
  )
}

function notMedia(url: URL): AppError {
  return keyedError('invalid-input', 'url-not-media', { url: url.href }, `No audio or video was found at ${url.href}`)
}

function refused(url: URL, detail: string): AppError {
  return keyedError('provider-error', 'url-refused', { host: url.host, detail }, `${url.host} refused the download: ${detail}`)
}

/**
 * The title and extension a direct link is kept under: the server's Content-Disposition name,
 * else the link's last path part; the extension only when it is a media one ("talk.v2.mp3" →
 * "talk.v2", ".mp3").
 */
function nameFromResponse(res: Response, url: URL): { title: string; ext: string | null } {
  const disposition = res.headers.get('content-disposition') ?? ''
  const star = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(disposition)?.[1]
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1]
  const last = url.pathname.split('/').filter(Boolean).pop() ?? ''
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  }
  const name = path.basename(decode(star ?? plain ?? last).replace(/\\/g, '/'))
  const ext = path.extname(name).toLowerCase()
  if (mediaExtensions.includes(ext)) return { title: name.slice(0, -ext.length) || url.hostname, ext }
  return { title: name || url.hostname, ext: null }
}
