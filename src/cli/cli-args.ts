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
  credits [--json]                          balance and ledger size
  credits add N [--reason TEXT]             top up N credits
  credits history [--json] [--limit N]      ledger, newest first

Global options:
  --data-dir DIR    where db.json lives (or MP4TOTEXT_DATA_DIR); defaults to the app's own folder
  -h, --help        this text
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
