import { createHash } from 'node:crypto'
import { createReadStream, promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { AppError, keyedError } from '../../shared/errors'
import { downloadResumable, type DownloadProgress } from './resumable-download'
import type { WhisperModelInfo } from '../../shared/transcribe-types'
import {
  DEFAULT_MODEL_BASE_URL,
  modelFileName,
  recommendModel,
  whisperCatalog,
  type WhisperCatalogEntry,
} from './whisper-catalog'

const GGML_MAGIC = 0x67676d6c

export type { DownloadProgress }

/**
 * Whisper models on disk: list, import, delete, and download with resume. A download goes to
 * `<file>.part`, resumes with an HTTP Range request after an interruption, is verified against
 * the pinned SHA-1, and only then is renamed into place: a partial or unverified file is never
 * where the engine looks for models.
 */
export class ModelManager {
  constructor(
    private readonly modelsDir: () => string,
    private readonly totalRamMiB = Math.round(os.totalmem() / 1048576),
    private readonly catalog: WhisperCatalogEntry[] = whisperCatalog,
    /** Electron passes net.fetch, which goes through the system's proxy settings */
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async list(): Promise<WhisperModelInfo[]> {
    const dir = this.modelsDir()
    const files = new Set(await fs.readdir(dir).catch(() => [] as string[]))
    const recommended = recommendModel(this.totalRamMiB)
    const known: WhisperModelInfo[] = this.catalog.map((m) => ({
      name: m.name,
      sizeMiB: m.sizeMiB,
      languages: m.languages,
      speed: m.speed,
      accuracy: m.accuracy,
      quantized: m.quantized,
      installed: files.has(modelFileName(m.name)),
      path: files.has(modelFileName(m.name)) ? path.join(dir, modelFileName(m.name)) : null,
      recommended: m.name === recommended,
      downloadable: true,
    }))
    // imported files: any other ggml .bin in the folder
    const catalogFiles = new Set(this.catalog.map((m) => modelFileName(m.name)))
    for (const f of files) {
      if (!f.endsWith('.bin') || catalogFiles.has(f)) continue
      const stat = await fs.stat(path.join(dir, f))
      known.push({
        name: f.replace(/^ggml-/, '').replace(/\.bin$/, ''),
        sizeMiB: Math.round(stat.size / 1048576),
        languages: /\.en\b/.test(f) ? 'english' : 'multilingual',
        // nothing is known of an imported file's speed or accuracy: no rating is made up
        speed: null,
        accuracy: null,
        quantized: /q\d/.test(f),
        installed: true,
        path: path.join(dir, f),
        recommended: false,
        downloadable: false,
      })
    }
    return known
  }

  /** A model name from the list, or a path to a ggml file. */
  async resolve(nameOrPath: string): Promise<string> {
    if (nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.bin')) {
      await assertGgml(nameOrPath)
      return path.resolve(nameOrPath)
    }
    const m = (await this.list()).find((x) => x.name === nameOrPath)
    if (!m?.path) {
      const hint = this.catalog.some((c) => c.name === nameOrPath)
        ? `Download it first on the Models page (CLI: mp4totext models pull ${nameOrPath}).`
        : 'See the Models page for the models there are (CLI: mp4totext models list).'
      throw keyedError(
        'not-found',
        'whisper-not-installed',
        { name: nameOrPath },
        `The whisper model "${nameOrPath}" is not installed. ${hint}`,
      )
    }
    return m.path
  }

  async importFile(source: string): Promise<WhisperModelInfo> {
    await assertGgml(source)
    const dir = this.modelsDir()
    await fs.mkdir(dir, { recursive: true })
    const name = path.basename(source).startsWith('ggml-') ? path.basename(source) : `ggml-${path.basename(source)}`
    const target = path.join(dir, name.endsWith('.bin') ? name : `${name}.bin`)
    if (await exists(target))
      throw keyedError(
        'invalid-input',
        'model-already-installed',
        { file: path.basename(target) },
        `A model named ${path.basename(target)} is already installed`,
      )
    const tmp = `${target}.part`
    await fs.copyFile(source, tmp)
    await fs.rename(tmp, target)
    return (await this.list()).find((m) => m.path === target)!
  }

  async remove(name: string): Promise<void> {
    const m = (await this.list()).find((x) => x.name === name && x.installed)
    if (!m?.path) throw keyedError('not-found', 'whisper-not-installed', { name }, `No installed model "${name}"`)
    await fs.rm(m.path)
  }

  async download(
    name: string,
    opts: { baseUrl?: string; onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal } = {},
  ): Promise<string> {
    const entry = this.catalog.find((m) => m.name === name)
    if (!entry)
      throw new AppError('not-found', `"${name}" is not a downloadable model. See the Models page (CLI: mp4totext models list).`)
    const dir = this.modelsDir()
    await fs.mkdir(dir, { recursive: true })
    const target = path.join(dir, modelFileName(name))
    const part = `${target}.part`
    const url = `${(opts.baseUrl ?? DEFAULT_MODEL_BASE_URL).replace(/\/$/, '')}/${modelFileName(name)}`
    await downloadResumable(url, part, {
      expectedBytes: entry.sizeMiB * 1024 * 1024,
      fetchImpl: this.fetchImpl,
      onProgress: opts.onProgress,
      signal: opts.signal,
    })
    const sha1 = await fileSha1(part)
    if (sha1 !== entry.sha1) {
      await fs.rm(part, { force: true })
      throw keyedError(
        'invalid-input',
        'download-corrupt',
        { name },
        `The downloaded ${name} model is corrupt (SHA-1 ${sha1}, expected ${entry.sha1}); it was deleted. Try again.`,
      )
    }
    await fs.rename(part, target)
    return target
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  )
}

export async function fileSha1(file: string): Promise<string> {
  const h = createHash('sha1')
  await pipeline(createReadStream(file), h)
  return h.digest('hex')
}

async function assertGgml(file: string): Promise<void> {
  const fh = await fs.open(file, 'r').catch(() => {
    throw keyedError('not-found', 'model-file-missing', { file }, `Model file not found: ${file}`)
  })
  try {
    const b = Buffer.alloc(4)
    await fh.read(b, 0, 4, 0)
    if (b.readUInt32LE(0) !== GGML_MAGIC)
      throw keyedError(
        'invalid-input',
        'not-a-whisper-model',
        { file: path.basename(file) },
        `${file} is not a whisper.cpp ggml model`,
      )
  } finally {
    await fh.close()
  }
}
