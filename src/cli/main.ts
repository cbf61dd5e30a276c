import { openCore, type Core } from '../core/app-core'
import { defaultDataDir, systemLocale } from '../core/paths'
import { baseUrlEnvVar } from '../core/providers/endpoints'
import { SERVERS_ENV } from '../core/transcribe/servers/server-key'
import { packageVersion } from '../core/version'
import type { LedgerEntry } from '../shared/credits-types'
import { AppError } from '../shared/errors'
import { cloudProviderIds, cloudTranscriptionModel } from '../shared/providers'
import { randomUUID } from 'node:crypto'
import { timestamp } from '../core/transcribe/exports'
import { commandUsage, isCommand, parse, USAGE, UsageError, wholeNumber } from './cli-args'
import { call } from './cli-call'
import { compareCommand, enhanceCommand } from './enhance-commands'
import { pricingJson, pricingLine, pricingSubcommand } from './pricing-commands'
import { modelsCommand, transcribeCommand } from './transcribe-commands'
import { watchCommand } from './watch-commands'
import { benchCommand } from './bench-commands'
import { serveCommand } from './serve-command'

type Out = { stdout: (s: string) => void; stderr: (s: string) => void }

async function withCore<T>(
  dataDir: string | undefined,
  fn: (core: Core) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const core = await openCore({
    dataDir: dataDir ?? defaultDataDir(env),
    shell: 'cli',
    version: packageVersion(),
    systemLocale: systemLocale(),
    env,
  })
  const notice = core.store.notice
  if (notice) {
    process.stderr.write(
      `warning: db.json was unreadable; it was kept as ${notice.corruptCopy} and the newest good backup (${notice.backup}) was restored.\n`,
    )
  }
  const edited = core.credits.state().editedEntries
  if (edited > 0) {
    process.stderr.write(
      `warning: ${edited} credit ledger ${edited === 1 ? 'entry was' : 'entries were'} changed outside the app and ${edited === 1 ? 'does' : 'do'} not count towards the balance.\n`,
    )
  }
  try {
    return await fn(core)
  } finally {
    // releases this process's claim on its work, so no later start takes it for a crash
    await core.close()
  }
}

/** The newest `limit` ledger entries, read in the contract's pages (at most 200 per call). */
async function ledgerNewestFirst(core: Core, limit: number) {
  const pageSize = 200
  const entries: LedgerEntry[] = []
  for (let page = 0; entries.length < limit; page++) {
    const r = await call(core, 'credits.history', { page, pageSize })
    entries.push(...r.entries)
    if (r.entries.length < pageSize || entries.length >= r.total) break
  }
  return entries.slice(0, limit)
}

export async function run(argv: string[], out: Out): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    out.stdout(command === 'help' && rest[0] && isCommand(rest[0]) ? commandUsage(rest[0]) : USAGE)
    return command ? 0 : 2
  }
  try {
    switch (command) {
      case 'pricing': {
        const args = parse(rest, 'pricing')
        const { values } = args
        if (values.help) return (out.stdout(commandUsage(command)), 0)
        const sub = args.positionals[0]
        if (sub)
          return await withCore(values['data-dir'] as string | undefined, (core) =>
            pricingSubcommand(core, sub, args, out.stdout),
          )
        const provider = values.provider as string | undefined
        if (provider && !(cloudProviderIds as readonly string[]).includes(provider)) {
          throw new UsageError(`Unknown provider "${provider}". Choose one of: ${cloudProviderIds.join(', ')}`)
        }
        return await withCore(values['data-dir'] as string | undefined, async (core) => {
          const all = await call(core, 'catalog.list', { includeInactive: Boolean(values.all) })
          const models = all.filter((m) => !provider || m.provider === provider)
          if (values.json) out.stdout(`${JSON.stringify(models.map(pricingJson), null, 2)}\n`)
          else for (const m of models) out.stdout(`${pricingLine(m)}\n`)
          return 0
        })
      }
      case 'credits': {
        const { values, positionals } = parse(rest, 'credits')
        if (values.help) return (out.stdout(commandUsage(command)), 0)
        const [sub, amount] = positionals
        return await withCore(values['data-dir'] as string | undefined, async (core) => {
          if (sub === undefined) {
            const s = await call(core, 'credits.get', {})
            if (values.json) out.stdout(`${JSON.stringify({ balance: s.balance, ledgerEntries: s.ledgerEntries })}\n`)
            else out.stdout(`${s.balance} credits${s.low ? ' (low balance)' : ''}\n`)
            return 0
          }
          if (sub === 'add') {
            const n = wholeNumber(amount, 'N')
            // the bounds are the contract's; the request id makes a retried call count once
            const s = await call(
              core,
              'credits.topUp',
              {
                amount: n,
                reason: (values.reason as string | undefined) ?? 'Top-up (CLI)',
                requestId: (values['request-id'] as string | undefined) ?? randomUUID(),
              },
              {
                amount: { name: 'N', arg: true },
                reason: { name: '--reason', arg: true },
                requestId: { name: '--request-id', arg: true },
              },
            )
            out.stdout(values.json ? `${JSON.stringify(s)}\n` : `Added ${n} credits. Balance: ${s.balance} credits\n`)
            return 0
          }
          if (sub === 'history') {
            const limit = Math.max(1, values.limit === undefined ? 50 : wholeNumber(values.limit as string, '--limit'))
            const entries = await ledgerNewestFirst(core, limit)
            if (values.json) out.stdout(`${JSON.stringify(entries, null, 2)}\n`)
            else
              for (const e of entries)
                out.stdout(
                  `${e.at}  ${e.type.padEnd(10)} ${String(e.amount).padStart(7)}  → ${String(e.balanceAfter).padStart(7)}  ${e.reason}\n`,
                )
            return 0
          }
          throw new UsageError(`Unknown credits command "${sub}"`)
        })
      }
      case 'enhance':
      case 'compare': {
        const args = parse(rest, command)
        if (args.values.help) return (out.stdout(commandUsage(command)), 0)
        const env = { ...process.env }
        if (typeof args.values['base-url'] === 'string') {
          // --base-url applies to the provider(s) named on this command line
          const refs = String(args.values.model ?? args.values.models ?? '').split(',')
          for (const r of refs) env[`MP4TOTEXT_${r.split('/')[0]!.toUpperCase()}_BASE_URL`] = args.values['base-url']
        }
        return await withCore(
          args.values['data-dir'] as string | undefined,
          (core) =>
            command === 'enhance'
              ? enhanceCommand(core, args, out.stdout, out.stderr)
              : compareCommand(core, args, out.stdout, out.stderr),
          env,
        )
      }
      case 'transcribe':
      case 'models': {
        const args = parse(rest, command)
        if (args.values.help) return (out.stdout(commandUsage(command)), 0)
        const tty = Boolean(process.stderr.isTTY)
        // --base-url for a cloud model is where its key may go (credentials.ts)
        const cloudEnv = { ...process.env }
        const cloud = command === 'transcribe' && cloudTranscriptionModel(String(args.values.model ?? ''))
        if (cloud && typeof args.values['base-url'] === 'string')
          cloudEnv[baseUrlEnvVar(cloud.provider)] = args.values['base-url']
        // the servers named on the command line are the ones the server key is given for
        if (command === 'transcribe' && Array.isArray(args.values.server))
          cloudEnv[SERVERS_ENV] = [cloudEnv[SERVERS_ENV] ?? '', ...args.values.server].join(' ').trim()
        return await withCore(
          args.values['data-dir'] as string | undefined,
          (core) =>
            command === 'transcribe'
              ? transcribeCommand(core, args, out.stdout, out.stderr, tty)
              : modelsCommand(core, args, out.stdout, out.stderr, tty),
          cloudEnv,
        )
      }
      case 'search': {
        const { values, positionals } = parse(rest, 'search')
        if (values.help) return (out.stdout(commandUsage('search')), 0)
        const query = positionals.join(' ').trim()
        if (!query) throw new UsageError('Say what to search for: mp4totext search WORDS')
        const limit = values.limit === undefined ? 20 : Math.min(200, Math.max(1, wholeNumber(values.limit as string, '--limit')))
        return await withCore(values['data-dir'] as string | undefined, async (core) => {
          const results = await call(core, 'library.search', { query, limit })
          if (values.json) out.stdout(`${JSON.stringify(results, null, 2)}\n`)
          else if (results.length === 0) out.stdout(`Nothing found for “${query}”.\n`)
          else
            for (const r of results) {
              out.stdout(`${r.transcript.fileName}  (${r.transcript.id})\n`)
              for (const h of r.hits) {
                const at =
                  h.kind === 'enhanced'
                    ? `Enhanced · ${h.enhancement?.model ?? ''}  `
                    : h.start === null
                      ? ''
                      : `${timestamp(h.start, '.').slice(0, 8)}  `
                out.stdout(`  ${at}${h.parts.map((p) => (p.hit ? `[${p.text}]` : p.text)).join('')}\n`)
              }
            }
          return 0
        })
      }
      case 'bench': {
        const args = parse(rest, command)
        if (args.values.help) return (out.stdout(commandUsage(command)), 0)
        return await withCore(args.values['data-dir'] as string | undefined, (core) =>
          benchCommand(core, args, out.stdout, out.stderr),
        )
      }
      case 'watch': {
        const args = parse(rest, command)
        if (args.values.help) return (out.stdout(commandUsage(command)), 0)
        return await withCore(args.values['data-dir'] as string | undefined, (core) =>
          watchCommand(core, args, out.stdout, out.stderr),
        )
      }
      case 'serve': {
        const args = parse(rest, command)
        if (args.values.help) return (out.stdout(commandUsage(command)), 0)
        return await withCore(args.values['data-dir'] as string | undefined, (core) =>
          serveCommand(core, args, out.stdout, out.stderr),
        )
      }
      default:
        throw new UsageError(`Unknown command "${command}"`)
    }
  } catch (err) {
    if (err instanceof UsageError) {
      out.stderr(`error: ${err.message}\n\n${isCommand(command) ? commandUsage(command) : USAGE}`)
      return 2
    }
    out.stderr(`error: ${err instanceof AppError || err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}

const isEntry = process.argv[1] && /(main\.ts|mp4totext(\.mjs)?)$/.test(process.argv[1])
if (isEntry) {
  // `mp4totext … | head` closes the pipe early: that is not an error
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
    throw err
  })
  const code = await run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  })
  process.exitCode = code
}
