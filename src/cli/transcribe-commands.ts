import { cloudTranscriptionModel, transcriptionProviderIds } from '../shared/providers'
import { existsSync, promises as fs, statSync } from 'node:fs'
import path from 'node:path'
import type { Core } from '../core/app-core'
import { exportBytes, exportFileName } from '../core/transcribe/exports'
import { writeWhole } from '../core/watch/output-files'
import { isJobOver, SubtitleRules, type ExportFormat, type Job, type PartialAudio } from '../shared/transcribe-types'
import { untoldReceivers } from '../core/transcribe/remote-transcriber'
import { call } from './cli-call'
import { UsageError, wholeNumber, type Parsed } from './cli-args'
import { resolveUrlInputs } from './url-inputs'
import { formatsOf, isFolderArg, transcribeFolderCommand } from './watch-commands'

type Write = (s: string) => void

function bar(fraction: number, width = 24): string {
  const n = Math.round(fraction * width)
  return `[${'#'.repeat(n)}${'-'.repeat(width - n)}]`
}
const fmtEta = (s: number | null) =>
  s === null ? '--:--' : `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(Math.round(s % 60)).padStart(2, '0')}`

/** The output path for one input: --out FILE (one input), --out DIR, or beside the input. */
export function outputPathFor(input: string, format: ExportFormat, out: string | undefined, inputs: number): string {
  const name = exportFileName(path.basename(input).replace(/\.[^.]+$/, ''), format)
  if (!out) return path.join(path.dirname(input), name)
  const isDir = existsSync(out) ? statSync(out).isDirectory() : out.endsWith(path.sep) || out.endsWith('/') || inputs > 1
  return isDir ? path.join(out, name) : out
}

export async function transcribeCommand(core: Core, args: Parsed, out: Write, err: Write, isTTY: boolean): Promise<number> {
  const inputs = args.positionals
  if (!inputs.length) throw new UsageError('transcribe needs at least one media file')
  // a folder is a folder run (watch-commands.ts)
  if (inputs.length === 1 && isFolderArg(inputs[0])) return transcribeFolderCommand(core, args, out, err)
  if (args.values.recursive) throw new UsageError('--recursive is for a folder: transcribe DIR --recursive')
  const formats = formatsOf(args.values.format, ['txt'])
  // with --server and no local model, the servers' own model ("whisper-1" is what they accept)
  const model =
    (args.values.model as string | undefined) ??
    core.store.data.settings.whisperModel ??
    (Array.isArray(args.values.server) ? 'whisper-1' : undefined)
  if (args.values['base-url'] !== undefined && !cloudTranscriptionModel(model))
    throw new UsageError(
      `--base-url is for cloud models (--model ${transcriptionProviderIds.map((p) => `${p}/…`).join(' or ')}); for your own servers use --server URL`,
    )
  if (!model) throw new UsageError('--model is required (a name from "mp4totext models list" or a path to a ggml .bin)')
  const threads = args.values.threads === undefined ? undefined : wholeNumber(args.values.threads as string, '--threads')
  const outArg = args.values.out as string | undefined
  const force = Boolean(args.values.force)
  // links are fetched first; their outputs go where the command runs, not into the data folder
  const { files, fromUrl } = await resolveUrlInputs(core, inputs, err, isTTY)
  // decide every output first: an existing file is never overwritten without --force; several
  // outputs (files or formats) make --out a folder
  const outputs = files.length * formats.length
  const targets = files.map((f) =>
    formats.map((format) =>
      outputPathFor(f, format, outArg ?? (fromUrl.has(f) ? `${process.cwd()}${path.sep}` : undefined), outputs),
    ),
  )
  const clashes = targets.flat().filter((t) => existsSync(t))
  if (clashes.length && !force) throw new UsageError(`Would overwrite ${clashes.join(', ')}; pass --force to replace`)
  if (outArg && outputs > 1) await fs.mkdir(outArg, { recursive: true })

  if (args.values.vad && args.values['no-vad']) throw new UsageError('--vad and --no-vad contradict each other')
  const vad = args.values.vad ? true : args.values['no-vad'] ? false : undefined
  const speakers = speakersArg(args.values.speakers as string | undefined)
  const subtitles = {
    ...(args.values['max-line-chars'] !== undefined
      ? { maxLineChars: wholeNumber(args.values['max-line-chars'] as string, '--max-line-chars') }
      : {}),
    ...(args.values['max-lines'] !== undefined
      ? { maxLines: wholeNumber(args.values['max-lines'] as string, '--max-lines') }
      : {}),
    ...(args.values['max-cps'] !== undefined ? { maxCps: wholeNumber(args.values['max-cps'] as string, '--max-cps') } : {}),
    ...(args.values['frame-rate'] !== undefined ? { frameRate: frameRateArg(args.values['frame-rate'] as string) } : {}),
  }
  // through the contract, as the app: its bounds and messages are the CLI's
  const input = {
    files,
    options: {
      model,
      language: (args.values.language as string | undefined) ?? core.store.data.settings.transcribeLanguage,
      translate: Boolean(args.values.translate),
      ...(typeof args.values.prompt === 'string' ? { prompt: args.values.prompt } : {}),
      ...(args.values['beam-size'] !== undefined
        ? { beamSize: wholeNumber(args.values['beam-size'] as string, '--beam-size') }
        : {}),
      ...(threads ? { threads } : {}),
      ...(vad !== undefined ? { vad } : {}),
      ...(Array.isArray(args.values.server) ? { servers: args.values.server } : {}),
    },
  }
  // the receiver was named on the command line (--model groq/…, --server URL): the notice the
  // pages show is printed once, and the naming stands as its acknowledgement
  const untold = untoldReceivers(input.options, core.store.data.settings)
  if (untold.length) {
    process.stderr.write(`note: this sends the audio to ${untold.join(', ')}; it leaves this computer.\n`)
    const acknowledged = core.store.data.settings.cloudNoticeAcknowledged
    await call(core, 'settings.set', { cloudNoticeAcknowledged: [...new Set([...acknowledged, ...untold])].slice(-100) })
  }
  const jobs = await call(core, 'transcribe.add', input, {
    files: { name: 'FILE', arg: true },
    options: { name: 'options', arg: true },
  })
  // the export's rules are checked now, against the contract, before hours of transcription
  const rules = SubtitleRules.partial().safeParse(subtitles)
  if (!rules.success) {
    const issue = rules.error.issues[0]!
    throw new UsageError(`--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`)
  }
  const remaining = new Set(jobs.map((j) => j.id))
  let failed = 0
  let partial = 0
  await new Promise<void>((resolve) => {
    const onJob = (j: Job) => {
      if (!remaining.has(j.id)) return
      if (j.status === 'running' && isTTY) {
        err(
          `\r${j.fileName.slice(0, 30).padEnd(30)} ${bar(j.progress)} ${String(Math.round(j.progress * 100)).padStart(3)}% ETA ${fmtEta(j.etaSec)}${j.realtimeFactor ? ` ×${(1 / j.realtimeFactor).toFixed(1)} realtime` : ''}   `,
        )
      }
      if (isJobOver(j.status) && j.status !== 'interrupted') {
        remaining.delete(j.id)
        void finish(j).finally(() => remaining.size === 0 && (off(), resolve()))
      }
    }
    const finish = async (j: Job) => {
      if (isTTY) err('\r\x1b[2K')
      if (j.status !== 'done') {
        failed++
        err(`✗ ${j.fileName}: ${j.error ?? j.status}\n`)
        return
      }
      const written = targets[jobs.findIndex((x) => x.id === j.id)]!
      if (speakers !== undefined && !j.noSpeech) {
        // a speaker failure keeps the plain transcript: it is written, with the reason on stderr
        await call(core, 'speakers.detect', { id: j.transcriptId!, speakers }).catch((e: Error) =>
          err(`⚠ ${j.fileName}: speakers not labelled: ${e.message}\n`),
        )
      }
      for (const [i, format] of formats.entries()) {
        const exported = await call(core, 'transcripts.export', { id: j.transcriptId!, format, subtitles })
        // where the user asked: whole or not at all, with the user's umask (a `--out dir/` is made)
        await fs.mkdir(path.dirname(written[i]!), { recursive: true })
        await writeWhole(written[i]!, exportBytes(exported))
      }
      const target = written.join(', ')
      if (j.partial) {
        partial++
        out(`⚠ ${j.fileName} → ${target} (${partialNote(j.partial)})\n`)
      } else if (j.noSpeech) {
        out(`⚠ ${j.fileName} → ${target} (${NO_SPEECH_NOTE})\n`)
      } else out(`✓ ${j.fileName} → ${target}\n`)
    }
    const off = core.events.subscribe((name, p) => name === 'transcribe.job' && onJob(p as Job))
    for (const j of core.transcription.jobs()) onJob(j)
  })
  await core.close()
  return failed ? 1 : partial ? PARTIAL_EXIT_CODE : 0
}

/**
 * Exit code when every file was written but at least one holds only part of its audio (the file
 * was cut short): distinct from 0 so scripts notice, and from 1 (a file failed, nothing written
 * for it) and 2 (bad arguments).
 */
export const PARTIAL_EXIT_CODE = 3

/** `--frame-rate 23.976`: a number (its bounds are the contract's, checked with the other rules). */
function frameRateArg(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value))
    throw new UsageError(`--frame-rate takes frames per second, e.g. 25 or 23.976, not "${value}"`)
  return Number(value)
}

/** `--speakers auto|N` → what speakers.detect takes; absent: speakers are not detected. */
function speakersArg(value: string | undefined): 'auto' | number | undefined {
  if (value === undefined) return undefined
  if (value === 'auto') return 'auto'
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 20) {
    throw new UsageError(`--speakers takes "auto" or a number of speakers from 1 to 20, not "${value}"`)
  }
  return Number(value)
}

export const NO_SPEECH_NOTE =
  'no speech was found, so the transcript is empty; if the file has speech, run again with --no-vad or lower the speech detection threshold in Settings'

export function partialNote(p: PartialAudio): string {
  if (p.engineError)
    return `partial: only the first ${p.decodedSec.toFixed(1)} s of ${p.expectedSec.toFixed(1)} s were transcribed; the engine stopped on the next part (${p.engineError}); run the file again for the rest`
  return `partial: only ${p.decodedSec.toFixed(1)} s of ${p.expectedSec.toFixed(1)} s of audio could be read; the file is cut short or damaged`
}

export async function modelsCommand(core: Core, args: Parsed, out: Write, err: Write, isTTY: boolean): Promise<number> {
  const [sub, arg] = args.positionals
  const json = Boolean(args.values.json)
  switch (sub ?? 'list') {
    case 'list': {
      // through the contract: the list with this machine's measured speeds
      const list = await call(core, 'models.list', {})
      if (json) out(`${JSON.stringify(list, null, 2)}\n`)
      else
        for (const m of list)
          out(
            `${m.installed ? '●' : '○'} ${m.name.padEnd(22)} ${String(m.sizeMiB).padStart(5)} MiB  ${m.languages.padEnd(12)} speed: ${(m.speed ?? '–').padEnd(7)} accuracy: ${m.accuracy ?? '–'}${typeof m.measuredRtf === 'number' ? `  measured: ${m.measuredRtf.toFixed(2)}× real time` : ''}${m.recommended ? '  ← recommended for this machine' : ''}\n`,
          )
      if (!json) {
        for (const m of await call(core, 'speakers.models', {}))
          out(`${m.installed ? '●' : '○'} speakers: ${m.role.padEnd(12)} ${m.title} (${m.license}, ${m.sizeMiB} MiB)\n`)
        await listLocalLlms(core, out)
      }
      return 0
    }
    case 'pull': {
      if (!arg) throw new UsageError('models pull needs a model name')
      if (arg === 'speakers') {
        for (const m of await call(core, 'speakers.downloadModels', {})) out(`Installed: ${m.title} (${m.license}) → ${m.path}\n`)
        return 0
      }
      const ac = new AbortController()
      process.once('SIGINT', () => ac.abort())
      const file = await core.models.download(arg, {
        baseUrl: (args.values['base-url'] as string | undefined) ?? core.store.data.settings.modelBaseUrl ?? undefined,
        signal: ac.signal,
        onProgress: (p) => {
          if (!isTTY) return
          const f = p.totalBytes ? p.receivedBytes / p.totalBytes : 0
          err(
            `\r${arg} ${bar(f)} ${(p.receivedBytes / 1048576).toFixed(0)} MiB ${(p.bytesPerSec / 1048576).toFixed(1)} MiB/s ETA ${fmtEta(p.etaSec)}   `,
          )
        },
      })
      if (isTTY) err('\n')
      out(`Installed and verified: ${file}\n`)
      return 0
    }
    case 'rm': {
      if (!arg) throw new UsageError('models rm needs a model name')
      await core.models.remove(arg)
      out(`Removed ${arg}\n`)
      return 0
    }
    case 'import': {
      if (!arg) throw new UsageError('models import needs a path to a ggml .bin')
      if (/\.gguf$/i.test(arg)) {
        await core.handlers['localLlm.import']({ path: arg })
        out(`Imported ${arg} as a built-in LLM (enhance --model local/NAME; see models list)\n`)
        return 0
      }
      const m = await core.models.importFile(arg)
      out(`Imported ${m.name} → ${m.path}\n`)
      return 0
    }
    default:
      throw new UsageError(`Unknown models command "${sub}"`)
  }
}

/** The built-in engine's GGUF models, after the whisper models. */
async function listLocalLlms(core: Core, out: Write): Promise<void> {
  out('\nBuilt-in LLMs (enhance --model local/NAME, 0 credits, run on this computer):\n')
  for (const m of await core.handlers['localLlm.list']({}))
    out(
      `${m.installed ? '●' : '○'} ${m.name.padEnd(24)} ${String(m.sizeMiB).padStart(5)} MiB  needs ${m.fit.needMiB} MiB${m.fit.fits ? '' : ' (does not fit: ' + m.fit.availableMiB + ' MiB free)'}  ${m.license}\n`,
    )
}
