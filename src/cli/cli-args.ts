import { parseArgs } from 'node:util'
import { cloudProviderIds, keyEnvVarOf, transcriptionProviderIds } from '../shared/providers'

export class UsageError extends Error {}

interface OptionSpec {
  type: 'string' | 'boolean'
  /** the value's placeholder in the help, e.g. DIR */
  value?: string
  short?: string
  /** may be given more than once (the values come as a list) */
  multiple?: boolean
  help: string
}

interface CommandSpec {
  /** each way to call the command, with what it does */
  forms: [string, string][]
  options: Record<string, OptionSpec>
}

const json: OptionSpec = { type: 'boolean', help: 'machine-readable output' }
const presets = 'cleanup, summary, keyPoints, minutes, translate, custom'
const enhanceOptions = (): Record<string, OptionSpec> => ({
  preset: { type: 'string', value: 'P', help: `what to do (default cleanup): ${presets}` },
  lang: { type: 'string', value: 'CODE', help: 'the transcript’s language, e.g. tr' },
  'target-lang': { type: 'string', value: 'LANG', help: 'translate: the language to write, e.g. English' },
  prompt: { type: 'string', value: 'TEXT', help: 'custom: your instructions' },
  'base-url': {
    type: 'string',
    value: 'URL',
    help: 'the provider’s API address; for custom/ models the local server, e.g. http://127.0.0.1:11434/v1 (Ollama)',
  },
  json,
})

/**
 * The one definition of the command line: what each command accepts is what `parse` allows and
 * what the help says, so the two cannot drift apart.
 */
export const COMMANDS = {
  pricing: {
    forms: [
      ['pricing [--provider P] [--all] [--json]', 'one line per model: "0.2x | 4 credits | llama-3.1-8b-instant"'],
      [
        'pricing apply FILE [--dry-run] [--yes] [--json]',
        'apply a pricing update file (--dry-run: preview only; --yes: confirm warnings such as a deactivated recommendation)',
      ],
      ['pricing history [--json]', 'applied updates and edits, newest first'],
      ['pricing undo', 'undo the last update or edit still in effect'],
      ['pricing set PROVIDER/MODEL [--multiplier 0.2] [--active true|false] --reason TEXT', 'change one model’s price'],
      ['pricing export [--json]', 'the whole catalog as CSV (or JSON)'],
    ],
    options: {
      provider: { type: 'string', value: 'P', help: `only this provider: ${cloudProviderIds.join(', ')}` },
      all: { type: 'boolean', help: 'include inactive models' },
      json,
      'dry-run': { type: 'boolean', help: 'apply: show the preview, change nothing' },
      yes: { type: 'boolean', help: 'apply: confirm its warnings' },
      multiplier: { type: 'string', value: 'M', help: 'set: the new multiplier, e.g. 0.2' },
      active: { type: 'string', value: 'true|false', help: 'set: offer the model or not' },
      reason: { type: 'string', value: 'TEXT', help: 'set: why (kept in the history)' },
    },
  },
  transcribe: {
    forms: [
      ['transcribe FILE… --model NAME|PATH [options]', 'local transcription with whisper.cpp; one output per input'],
      [
        'transcribe FILE… --model groq/whisper-large-v3-turbo [--base-url URL]',
        `cloud transcription, priced in credits per started minute (key: ${transcriptionProviderIds.map(keyEnvVarOf).join(' / ')})`,
      ],
      ['transcribe FILE… --server URL [--server URL…]', 'on your own OpenAI-compatible servers in parallel (0 credits)'],
      [
        'transcribe https://… --model NAME [options]',
        "a page with a video (through yt-dlp, if installed) or a media file's link: kept in the data folder's downloads, the outputs written here",
      ],
      [
        'transcribe DIR [--recursive] [--format txt,srt] [--out DIR2]',
        'every media file in a folder, once (files done by an earlier run are skipped); other files are listed as skipped',
      ],
    ],
    options: {
      model: {
        type: 'string',
        value: 'NAME|PATH',
        help: 'a whisper model (see "models list"), a ggml file, or a cloud model: groq/whisper-large-v3-turbo, groq/whisper-large-v3, openai/whisper-1',
      },
      'base-url': { type: 'string', value: 'URL', help: 'cloud models: the provider’s API address (the key goes only there)' },
      server: {
        type: 'string',
        multiple: true,
        value: 'URL',
        help: 'a transcription server (whisper.cpp, speaches, vLLM), repeatable; bearer token from MP4TOTEXT_SERVER_KEY',
      },
      language: { type: 'string', value: 'CODE', help: 'auto (default), tr, en, …' },
      translate: { type: 'boolean', help: 'translate the speech into English' },
      format: {
        type: 'string',
        value: 'F,F',
        help: 'txt (default), txt-timestamps, srt, vtt, json, md, csv; a comma list writes each, e.g. md,csv,srt (--out is then a folder)',
      },
      out: { type: 'string', value: 'FILE|DIR', help: 'where to write (default: next to each input)' },
      threads: { type: 'string', value: 'N', help: 'CPU threads to use' },
      prompt: { type: 'string', value: 'TEXT', help: 'names and jargon to expect, e.g. "Kubernetes, Ayşe"' },
      'beam-size': { type: 'string', value: 'N', help: 'beam search width (slower, sometimes better)' },
      vad: { type: 'boolean', help: 'skip silence: only speech goes to whisper (default: the setting, on)' },
      'no-vad': { type: 'boolean', help: 'transcribe everything, silence included' },
      speakers: {
        type: 'string',
        value: 'auto|N',
        help: 'name who speaks when (needs the speaker models: models pull speakers); auto finds how many',
      },
      'max-line-chars': { type: 'string', value: 'N', help: 'srt/vtt: characters per line (default 42)' },
      'max-lines': { type: 'string', value: 'N', help: 'srt/vtt: lines per cue (default 2)' },
      'max-cps': { type: 'string', value: 'N', help: 'srt/vtt: reading speed, characters per second (default 17)' },
      'frame-rate': {
        type: 'string',
        value: 'FPS',
        help: 'srt/vtt: cues two frames apart at this rate, e.g. 23.976, 25 (default: the video’s own, else 25)',
      },
      force: { type: 'boolean', help: 'overwrite existing outputs' },
      recursive: { type: 'boolean', help: 'DIR: subfolders too' },
    },
  },
  watch: {
    forms: [
      [
        'watch DIR [--out DIR2] [--recursive] [--format txt,srt]',
        'transcribe each media file that lands in DIR once it is fully written, until Ctrl-C; nothing twice, across restarts',
      ],
    ],
    options: {
      out: { type: 'string', value: 'DIR2', help: 'where outputs go, subfolders mirrored (default: beside each file)' },
      recursive: { type: 'boolean', help: 'watch subfolders too' },
      format: { type: 'string', value: 'F,F', help: 'txt, txt-timestamps, srt, vtt, json, md, csv (default txt,srt)' },
      model: { type: 'string', value: 'NAME|PATH', help: 'a whisper model (default: the one chosen in the app)' },
      language: { type: 'string', value: 'CODE', help: 'auto (default), tr, en, …' },
      vad: { type: 'boolean', help: 'skip silence (default: the setting)' },
      'no-vad': { type: 'boolean', help: 'transcribe everything, silence included' },
    },
  },
  models: {
    forms: [
      ['models list [--json]', 'whisper models, installed or not (then the built-in LLMs, without --json)'],
      ['models pull NAME [--base-url URL]', 'download one (verified; resumes after an interruption)'],
      ['models rm NAME', 'remove one'],
      ['models import PATH', 'add a ggml file (whisper) or a .gguf file (built-in LLM) from disk'],
    ],
    options: {
      json,
      'base-url': { type: 'string', value: 'URL', help: 'pull: a mirror of the model downloads' },
    },
  },
  enhance: {
    forms: [
      [
        'enhance FILE|- --model PROVIDER/MODEL [options]',
        `improve a transcript (.txt or transcript .json; - reads standard input); presets: ${presets}`,
      ],
    ],
    options: {
      model: {
        type: 'string',
        value: 'PROVIDER/MODEL',
        help: 'e.g. groq/llama-3.1-8b-instant, or local/NAME for a built-in model (0 credits, offline)',
      },
      ...enhanceOptions(),
    },
  },
  compare: {
    forms: [['compare FILE --models A,B[,C,D] [options]', 'the same transcript on 2–4 models, side by side']],
    options: {
      models: { type: 'string', value: 'A,B[,C,D]', help: '2 to 4 models as PROVIDER/MODEL' },
      ...enhanceOptions(),
    },
  },
  search: {
    forms: [['search QUERY [--json] [--limit N]', 'find words in every transcript: names, speakers, text, enhanced versions']],
    options: {
      json,
      limit: { type: 'string', value: 'N', help: 'how many transcripts at most (default 20)' },
    },
  },
  credits: {
    forms: [
      ['credits [--json]', 'balance and ledger size'],
      ['credits add N [--reason TEXT] [--request-id ID]', 'top up N credits (the same ID again adds them once)'],
      ['credits history [--json] [--limit N]', 'ledger, newest first'],
    ],
    options: {
      json,
      reason: { type: 'string', value: 'TEXT', help: 'add: shown in the history' },
      'request-id': {
        type: 'string',
        value: 'ID',
        help: 'add: a retried command with the same ID adds the credits only once (default: a new ID per run)',
      },
      limit: { type: 'string', value: 'N', help: 'history: how many entries (default 50)' },
    },
  },
  serve: {
    forms: [
      [
        'serve [--port N] [--host 127.0.0.1]',
        'an OpenAI-compatible transcription API (POST /v1/audio/transcriptions, GET /v1/models) until Ctrl-C; prints its address and key once',
      ],
    ],
    options: {
      port: {
        type: 'string',
        value: 'N',
        help: 'the port to listen on (default: the one in Settings, 8765; 0 picks a free one)',
      },
      host: {
        type: 'string',
        value: 'ADDR',
        help: 'the address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 lets other computers in, with the key)',
      },
    },
  },
  bench: {
    forms: [
      [
        'bench [--model NAME] [--backend B] [--json]',
        'test this computer: a fixed 30 s of speech on each installed model × backend; stores the speeds and recommends a model',
      ],
      ['bench devices [--json]', 'the engine builds, their devices, and which one transcription uses'],
    ],
    options: {
      json,
      model: { type: 'string', value: 'NAME', multiple: true, help: 'only this model (again for more)' },
      backend: {
        type: 'string',
        value: 'B',
        multiple: true,
        help: 'only this backend: cpu, vulkan, metal, cuda (again for more)',
      },
    },
  },
} satisfies Record<string, CommandSpec>

export type CommandName = keyof typeof COMMANDS

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': {
    type: 'string',
    value: 'DIR',
    help: 'where db.json lives (or MP4TOTEXT_DATA_DIR); defaults to the app’s own folder',
  },
  help: { type: 'boolean', short: 'h', help: 'this text' },
}

export function isCommand(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMANDS, name)
}

/** Two columns, the second wrapped at 100 characters and aligned. */
function columns(rows: [string, string][], indent = 2): string {
  const width = Math.min(44, Math.max(...rows.map(([a]) => a.length)) + 2)
  const lines: string[] = []
  for (const [left, right] of rows) {
    const words = right.split(' ')
    const wrapped: string[] = ['']
    for (const w of words) {
      if (wrapped.at(-1)!.length + w.length + 1 > 100 - indent - width && wrapped.at(-1)) wrapped.push('')
      wrapped[wrapped.length - 1] = `${wrapped.at(-1)}${wrapped.at(-1) ? ' ' : ''}${w}`
    }
    const pad = ' '.repeat(indent + width)
    if (left.length + 2 > width) lines.push(`${' '.repeat(indent)}${left}`, ...wrapped.map((t) => pad + t))
    else lines.push(`${' '.repeat(indent)}${left.padEnd(width)}${wrapped[0]}`, ...wrapped.slice(1).map((t) => pad + t))
  }
  return `${lines.join('\n')}\n`
}

function optionRows(options: Record<string, OptionSpec>): [string, string][] {
  return Object.entries(options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`,
    o.help,
  ])
}

const FOOTER = `API keys come from ${cloudProviderIds.map(keyEnvVarOf).join(', ')}
(${keyEnvVarOf('custom')} for a local server that wants one); base URLs from
MP4TOTEXT_<PROVIDER>_BASE_URL or --base-url. MP4TOTEXT_SERVER_KEY goes only to the
transcription servers named with --server or listed in MP4TOTEXT_SERVERS.

Exit codes: 0 done; 1 failed; 2 bad arguments; 3 transcribe wrote every file, but some hold
only part of their audio (the file was cut short).
`

export const USAGE = `Usage: mp4totext <command> [options]

Commands:
${columns(Object.values(COMMANDS).flatMap((c) => c.forms as [string, string][]))}
Each command's options: mp4totext <command> --help

Global options:
${columns(optionRows(GLOBAL_OPTIONS))}
${FOOTER}`

/** One command's help: its forms and every option it accepts. */
export function commandUsage(name: CommandName): string {
  const spec: CommandSpec = COMMANDS[name]
  return `Usage: mp4totext ${name} [options]

${columns(spec.forms.map(([form, what]) => [`mp4totext ${form}`, what]))}
Options:
${columns(optionRows({ ...spec.options, ...GLOBAL_OPTIONS }))}
${FOOTER}`
}

export type Parsed = { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }

export function parse(argv: string[], command: CommandName): Parsed {
  const spec: CommandSpec = COMMANDS[command]
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, ...GLOBAL_OPTIONS }).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  )
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as Parsed
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

export function wholeNumber(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${what} must be a whole number, got "${text ?? ''}"`)
  return Number(text)
}
