import { BackgroundDownloads } from '../models/background-downloads'
import { createHash } from 'node:crypto'
import { createReadStream, promises as fs, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { ModelView } from '../../shared/catalog-types'
import type { LocalLlmModel, MemoryFit } from '../../shared/calls/local-llm-calls'
import type { SpeedSample } from '../../shared/enhance-types'
import type { ModelDownloadEvent } from '../../shared/model-download'
import { AppError, keyedError } from '../../shared/errors'
import { freeLocalView } from '../catalog/model-view'
import { downloadResumable, type DownloadProgress } from '../models/resumable-download'
import { ggufCatalog, type GgufCatalogEntry } from './gguf-catalog'
import { readGgufFacts, type GgufFacts } from './gguf-header'
import { memoryFit, needBytes, systemMemory, type MemoryProbe } from './memory-fit'

/** The context the engine opens (or the model's own, when smaller): room for a chunk and its answer. */
export const DEFAULT_CONTEXT_TOKENS = 4096
const MiB = 1024 * 1024

interface Installed {
  name: string
  path: string
  sizeBytes: number
  facts: GgufFacts
}

/**
 * The built-in engine's GGUF models in `<models folder>/llm/`: the catalog to download from,
 * imported files, and what each needs in memory. Downloads go through the shared resumable
 * download (the whisper models' machinery) to a `.part` file, are checked, then renamed into
 * place, so the engine never sees a partial file.
 */
export class LocalLlmManager {
  private readonly facts = new Map<string, { key: string; facts: GgufFacts }>()
  private readonly running = new BackgroundDownloads()

  constructor(
    private readonly modelsDir: () => string,
    private readonly opts: {
      memory?: MemoryProbe
      fetchImpl?: typeof fetch
      catalog?: GgufCatalogEntry[]
      onDownload?: (e: ModelDownloadEvent) => void
    } = {},
  ) {}

  dir(): string {
    return path.join(this.modelsDir(), 'llm')
  }

  private get catalog() {
    return this.opts.catalog ?? ggufCatalog
  }

  /** Installed files, read now (a sync read: the folder is small and the headers are cached). */
  installed(): Installed[] {
    const dir = this.dir()
    let files: string[]
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.gguf'))
    } catch {
      return []
    }
    const out: Installed[] = []
    for (const f of files.sort()) {
      const file = path.join(dir, f)
      try {
        const st = statSync(file)
        const key = `${st.size}:${st.mtimeMs}`
        let cached = this.facts.get(file)
        if (cached?.key !== key) {
          cached = { key, facts: readGgufFacts(file) }
          this.facts.set(file, cached)
        }
        out.push({ name: nameOf(f, this.catalog), path: file, sizeBytes: st.size, facts: cached.facts })
      } catch {
        // not a readable GGUF: it is not offered (import refuses such files; a stray one is skipped)
      }
    }
    return out
  }

  fitOf(m: Installed): MemoryFit {
    return memoryFit(needBytes(m.sizeBytes, m.facts, contextOf(m)), this.opts.memory ?? systemMemory)
  }

  list(): LocalLlmModel[] {
    const installed = this.installed()
    const probe = this.opts.memory ?? systemMemory
    const rows: LocalLlmModel[] = this.catalog.map((c) => {
      const file = installed.find((i) => i.name === c.name)
      return {
        name: c.name,
        displayName: c.displayName,
        sizeMiB: file ? Math.round(file.sizeBytes / MiB) : c.sizeMiB,
        license: c.license,
        licenseUrl: c.licenseUrl,
        commercialUse: c.commercialUse,
        languages: c.languages,
        ...(c.languageSet ? { languageSet: c.languageSet } : {}),
        installed: Boolean(file),
        downloadable: true,
        sha256: c.sha256,
        fit: file ? this.fitOf(file) : memoryFit(c.ramMiB * MiB, probe),
      }
    })
    for (const i of installed) {
      if (this.catalog.some((c) => c.name === i.name)) continue
      rows.push({
        name: i.name,
        displayName: i.facts.name ?? i.name,
        sizeMiB: Math.round(i.sizeBytes / MiB),
        license: 'see the model’s source',
        licenseUrl: null,
        commercialUse: null,
        languages: '',
        installed: true,
        downloadable: false,
        sha256: null,
        fit: this.fitOf(i),
      })
    }
    return rows
  }

  /** Catalog rows for the picker: one per installed file, free, marked local. */
  views(speedStats: Record<string, SpeedSample[]>): ModelView[] {
    return this.installed().map((i) => {
      const catalog = this.catalog.find((c) => c.name === i.name)
      return {
        ...freeLocalView('builtin', i.name, {
          displayName: catalog?.displayName ?? i.facts.name ?? i.name,
          contextTokens: contextOf(i),
          source: 'GGUF file on this computer',
          samples: speedStats[`builtin/${i.name}`],
        }),
        memory: this.fitOf(i),
      }
    })
  }

  /** The file and context for a model, refused before anything runs when it cannot fit in memory. */
  resolve(name: string): { path: string; contextTokens: number } {
    const m = this.installed().find((i) => i.name === name)
    if (!m)
      throw keyedError(
        'not-found',
        'builtin-not-installed',
        { name },
        `The built-in model "${name}" is not installed. Download or import it on the Models page (CLI: mp4totext models list).`,
      )
    const fit = this.fitOf(m)
    if (!fit.fits)
      throw keyedError(
        'invalid-input',
        'builtin-no-memory',
        { name, need: fit.needMiB, free: fit.availableMiB },
        `${name} needs about ${fit.needMiB} MiB of memory and ${fit.availableMiB} MiB is free. Close other programs or pick a smaller model.`,
      )
    return { path: m.path, contextTokens: contextOf(m) }
  }

  async importFile(source: string): Promise<LocalLlmModel[]> {
    readGgufFacts(source) // refuses anything that is not a GGUF model, with the reason
    const dir = this.dir()
    await fs.mkdir(dir, { recursive: true })
    const base = path
      .basename(source)
      .replace(/\.gguf$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
    if (!base)
      throw keyedError(
        'invalid-input',
        'model-bad-name',
        { file: path.basename(source) },
        `Cannot name a model after ${path.basename(source)}: rename the file.`,
      )
    const target = path.join(dir, `${base.slice(0, 100)}.gguf`)
    if (
      await fs.stat(target).then(
        () => true,
        () => false,
      )
    )
      throw keyedError(
        'invalid-input',
        'model-already-installed',
        { file: path.basename(target) },
        `A model named ${path.basename(target)} is already installed`,
      )
    const part = `${target}.part`
    try {
      await fs.copyFile(source, part)
      await fs.rename(part, target)
    } catch (err) {
      await fs.rm(part, { force: true })
      throw keyedError(
        'invalid-input',
        'model-copy-failed',
        { file: path.basename(source), detail: (err as Error).message },
        `Could not copy ${source}: ${(err as Error).message}`,
      )
    }
    return this.list()
  }

  async remove(name: string): Promise<LocalLlmModel[]> {
    const m = this.installed().find((i) => i.name === name)
    if (!m) throw keyedError('not-found', 'builtin-not-installed', { name }, `No installed built-in model "${name}"`)
    await fs.rm(m.path)
    return this.list()
  }

  async download(name: string, opts: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void } = {}): Promise<string> {
    const entry = this.catalog.find((c) => c.name === name)
    if (!entry) throw new AppError('not-found', `"${name}" is not a downloadable built-in model.`)
    const dir = this.dir()
    await fs.mkdir(dir, { recursive: true })
    const target = path.join(dir, entry.file)
    const part = `${target}.part`
    let total: number | null = null
    await downloadResumable(entry.url, part, {
      expectedBytes: entry.sizeMiB * MiB,
      fetchImpl: this.opts.fetchImpl,
      signal: opts.signal,
      onProgress: (p) => {
        total = p.totalBytes
        opts.onProgress?.(p)
      },
    })
    const size = (await fs.stat(part)).size
    const reject = async (why: string) => {
      await fs.rm(part, { force: true })
      throw keyedError(
        'invalid-input',
        'download-corrupt',
        { name },
        `The downloaded ${name} model is damaged (${why}); it was deleted. Try again.`,
      )
    }
    if (total !== null && size !== total) await reject(`${size} of ${total} bytes`)
    if (entry.sha256) {
      const h = createHash('sha256')
      await pipeline(createReadStream(part), h)
      const sha = h.digest('hex')
      if (sha !== entry.sha256) await reject(`SHA-256 ${sha}, expected ${entry.sha256}`)
    }
    try {
      readGgufFacts(part)
    } catch (err) {
      await reject((err as Error).message)
    }
    await fs.rename(part, target)
    return target
  }

  /** Start a download in the background; progress goes to `onDownload`. */
  startDownload(name: string): boolean {
    return this.running.start(
      name,
      (signal, onProgress) => this.download(name, { signal, onProgress }),
      (e) => this.opts.onDownload?.(e),
    )
  }

  cancelDownload(name: string): boolean {
    return this.running.cancel(name)
  }

  cancelAll(): void {
    this.running.cancelAll()
  }
}

function contextOf(m: Installed): number {
  return Math.min(DEFAULT_CONTEXT_TOKENS, m.facts.contextLength)
}

/** A catalog model's file goes by the catalog's name; an imported file by its own. */
function nameOf(file: string, catalog: GgufCatalogEntry[]): string {
  return catalog.find((c) => c.file === file)?.name ?? file.replace(/\.gguf$/i, '')
}
