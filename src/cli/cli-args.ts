import { parseArgs, type ParseArgsConfig } from 'node:util'

export class UsageError extends Error {}

export const USAGE = `Usage: mp4totext <command> [options]

Commands:
  pricing [--provider P] [--all] [--json]   one line per model: "0.2x | 4 credits | llama-3.1-8b-instant"
  pricing apply FILE [--dry-run] [--yes] [--json]
                                            apply a pricing update file (--dry-run: preview only;
                                            --yes: confirm warnings such as a deactivated recommendation)
  pricing history [--json]                  applied updates and edits, newest first
  pricing undo                              undo the last update or edit still in effect
  pricing set PROVIDER/MODEL [--multiplier 0.2] [--active true|false] --reason TEXT
  pricing export [--json]                   the whole catalog as CSV (or JSON)
  transcribe FILE… --model NAME|PATH [--language auto|tr|en|…] [--translate]
          [--format txt|txt-timestamps|srt|vtt|json] [--out FILE|DIR] [--threads N] [--force]
          [--prompt "names, jargon"] [--beam-size N]
                                            local transcription with whisper.cpp; one output per input
  models list [--json] | pull NAME [--base-url URL] | rm NAME | import PATH
                                            whisper models: download (verified), remove, import
  enhance FILE|- --model PROVIDER/MODEL [--preset P] [--lang tr] [--target-lang en] [--prompt TEXT]
          [--base-url URL] [--json]         improve a transcript (.txt or transcript .json); presets:
                                            cleanup, summary, keyPoints, minutes, translate, custom
  compare FILE --models A,B[,C,D] [--preset P] [--json]
                                            the same transcript on 2–4 models, side by side
  credits [--json]                          balance and ledger size
  credits add N [--reason TEXT]             top up N credits
  credits history [--json] [--limit N]      ledger, newest first

Global options:
  --data-dir DIR    where db.json lives (or MP4TOTEXT_DATA_DIR); defaults to the app's own folder
  -h, --help        this text

API keys come from GROQ_API_KEY, TOGETHER_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY
(MP4TOTEXT_CUSTOM_API_KEY for a local server that wants one); base URLs from
MP4TOTEXT_<PROVIDER>_BASE_URL or --base-url.
`

export type Parsed = { values: Record<string, string | boolean | undefined>; positionals: string[] }

export function parse(argv: string[], options: ParseArgsConfig['options']): Parsed {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as Parsed
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

export function wholeNumber(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${what} must be a whole number, got "${text ?? ''}"`)
  return Number(text)
}
