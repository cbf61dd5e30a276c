import { statSync } from 'node:fs'
import path from 'node:path'
import type { Core } from '../core/app-core'
import { checkFolders } from '../core/watch/folder-check'
import { scanFolder, type SkipReason } from '../core/watch/folder-scan'
import type { WatchTarget } from '../core/watch/watch-service'
import { DEFAULT_WATCH_FORMATS, type WatchedFile } from '../shared/calls/watch-calls'
import { ExportFormat } from '../shared/transcribe-types'
import { UsageError, type Parsed } from './cli-args'

type Write = (s: string) => void

const skipText: Record<SkipReason, string> = {
  'not-media': 'not a media file',
  unreadable: 'cannot be read',
  'symlinked-folder': 'a link to a folder (not followed)',
}

/** Is this one command-line argument a folder (then `transcribe` runs over the folder)? */
export function isFolderArg(arg: string | undefined): boolean {
  return arg !== undefined && (statSync(arg, { throwIfNoEntry: false })?.isDirectory() ?? false)
}

/** --format for files, folder runs and watching: a comma list, e.g. "txt,srt". */
export function formatsOf(value: unknown, fallback: ExportFormat[]): ExportFormat[] {
  if (typeof value !== 'string') return fallback
  const list = value.split(',').map((f) => f.trim())
  const bad = list.filter((f) => !ExportFormat.safeParse(f).success)
  if (bad.length || !list.length)
    throw new UsageError(`--format takes a comma list of: ${ExportFormat.options.join(', ')} (not "${bad.join(', ')}")`)
  return [...new Set(list)] as ExportFormat[]
}

async function targetOf(core: Core, args: Parsed, dir: string, defaults: ExportFormat[]): Promise<WatchTarget> {
  if (args.values.vad && args.values['no-vad']) throw new UsageError('--vad and --no-vad contradict each other')
  const model = (args.values.model as string | undefined) ?? null
  if (!model && !core.store.data.settings.whisperModel)
    throw new UsageError('--model is required (a name from "mp4totext models list" or a path to a ggml .bin)')
  const root = path.resolve(dir)
  const outArg = args.values.out as string | undefined
  const outDir = outArg ? path.resolve(outArg) : null
  const recursive = Boolean(args.values.recursive)
  await checkFolders(root, outDir, core.dataDirPath, recursive)
  return {
    folderId: `cli:${root}`,
    rootDir: root,
    outDir,
    recursive,
    formats: formatsOf(args.values.format, defaults),
    model,
    language: (args.values.language as string | undefined) ?? null,
    vad: args.values.vad ? true : args.values['no-vad'] ? false : null,
  }
}

const FILE_ONLY_OPTIONS = [
  'threads',
  'prompt',
  'beam-size',
  'server',
  'translate',
  'base-url',
  'max-line-chars',
  'max-lines',
  'max-cps',
  'force',
] as const

const doneLine = (r: WatchedFile) => `✓ ${r.path} → ${r.outputs.join(', ')}\n`
const failedLine = (r: WatchedFile) => `✗ ${r.path}: ${r.error ?? 'failed'}\n`

/**
 * `transcribe DIR [--recursive]`: every media file in the folder, once. A file done by an
 * earlier run (or by the app's watch folder) is not transcribed again; one that failed is —
 * running the command again is the user asking. Other files are skipped with a line each.
 */
export async function transcribeFolderCommand(core: Core, args: Parsed, out: Write, err: Write): Promise<number> {
  // refused rather than silently ignored: a folder run takes the watch folders' choices only
  for (const opt of FILE_ONLY_OPTIONS)
    if (args.values[opt] !== undefined) throw new UsageError(`--${opt} is for files, not for a folder run`)
  const target = await targetOf(core, args, args.positionals[0]!, ['txt'])
  const scan = await scanFolder(target.rootDir, { recursive: target.recursive })
  for (const s of scan.skipped) err(`skipped: ${s.path} (${skipText[s.reason]})\n`)
  const waiting = new Set<string>()
  const ended = new Map<string, WatchedFile>()
  let already = 0
  let elsewhere = 0
  let wake = () => undefined as void
  const end = (r: WatchedFile) => {
    if (ended.has(r.key) || (r.status !== 'done' && r.status !== 'failed')) return
    ended.set(r.key, r)
    if (r.status === 'done') out(doneLine(r))
    else err(failedLine(r))
    wake()
  }
  const off = core.events.subscribe((name, p) => {
    if (name === 'watch.file' && waiting.has((p as WatchedFile).key)) end(p as WatchedFile)
  })
  try {
    for (const file of scan.media) {
      const t = await core.watch.take(file, target, { retryFailed: true }).catch((e: unknown) => {
        err(`✗ ${file}: ${(e as Error).message}\n`)
        ended.set(file, { key: file, path: file, status: 'failed' } as WatchedFile)
        return null
      })
      if (!t) continue
      if (t.kind === 'queued') {
        waiting.add(t.record.key)
        // a short file may be through already
        end(core.watch.record(t.record.key) ?? t.record)
      } else if (t.record.status === 'done') {
        already++
        out(`= ${t.record.path}: already transcribed → ${t.record.outputs.join(', ')}\n`)
      } else {
        elsewhere++
        out(
          `… ${t.record.path}: ${t.record.status === 'failed' ? 'failed before' : 'being transcribed by another run of the app or CLI'}\n`,
        )
      }
    }
    await new Promise<void>((resolve) => {
      wake = () => void ([...waiting].every((k) => ended.has(k)) && resolve())
      wake()
    })
  } finally {
    off()
  }
  const results = [...ended.values()]
  const failed = results.filter((r) => r.status !== 'done').length
  // the job list read once, not once per file (a folder of thousands made this quadratic)
  const jobs = new Map(core.transcription.jobs().map((j) => [j.id, j]))
  const partial = results.filter((r) => r.status === 'done' && r.jobId && jobs.get(r.jobId)?.partial)
  const done = results.length - failed
  err(
    `${done} transcribed, ${already} already done, ${failed} failed, ${scan.skipped.length} skipped${elsewhere ? `, ${elsewhere} left to another process` : ''}\n`,
  )
  return failed ? 1 : partial.length ? 3 : 0
}

/**
 * `watch DIR`: transcribe what is in the folder and what lands in it later (each once fully
 * written), until Ctrl-C or SIGTERM. Work a killed earlier run left is finished first.
 */
export async function watchCommand(core: Core, args: Parsed, out: Write, err: Write): Promise<number> {
  const dir = args.positionals[0]
  if (!dir || args.positionals.length > 1) throw new UsageError('watch needs exactly one folder')
  if (!isFolderArg(dir)) throw new UsageError(`${dir} is not a folder`)
  const target = await targetOf(core, args, dir, [...DEFAULT_WATCH_FORMATS])
  const off = core.events.subscribe((name, p) => {
    if (name !== 'watch.file') return
    const r = p as WatchedFile
    if (r.status === 'queued') out(`+ queued: ${r.path}\n`)
    else if (r.status === 'done') out(doneLine(r))
    else if (r.status === 'failed') err(failedLine(r))
  })
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  })
  try {
    await core.watch.resume()
    await core.watch.watchFolder(target)
    out(`Watching ${target.rootDir}${target.recursive ? ' and its subfolders' : ''} (Ctrl-C to stop)\n`)
    const signal = await stopped
    err(`${signal}: stopping; a file in progress is finished at the next start\n`)
  } finally {
    off()
    await core.watch.close()
  }
  return 0
}
