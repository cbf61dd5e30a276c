import { readFile } from 'node:fs/promises'
import type { Core } from '../core/app-core'
import { CloudProviderId, ProviderId, type ModelView } from '../shared/catalog-types'
import type { DiffLine, PricingHistoryEntry } from '../shared/pricing-types'
import { UsageError, type Parsed } from './cli-args'
import { call } from './cli-call'

type Write = (s: string) => void

const groupTitles: Record<DiffLine['group'], string> = {
  cheaper: 'Cheaper',
  dearer: 'More expensive',
  kept: 'Kept',
  deactivated: 'Deactivated',
  activated: 'Activated',
  added: 'New',
  edited: 'Other changes',
}

export function printLines(lines: DiffLine[], out: Write): void {
  for (const group of Object.keys(groupTitles) as DiffLine['group'][]) {
    const mine = lines.filter((l) => l.group === group)
    if (!mine.length) continue
    out(`${groupTitles[group]}:\n`)
    for (const l of mine) out(`  ${l.provider}/${l.changelog}\n`)
  }
}

/** One line of `pricing`: multiplier, credits (per started minute for speech-to-text), model. */
export function pricingLine(m: ModelView): string {
  const cost =
    m.kind === 'transcription' ? `${m.credits} credit${m.credits === 1 ? '' : 's'} per started minute` : `${m.credits} credits`
  return `${m.multiplier}x | ${cost} | ${m.modelId}${m.active ? '' : ' (inactive)'}`
}

export function pricingJson(m: ModelView) {
  return {
    provider: m.provider,
    modelId: m.modelId,
    displayName: m.displayName,
    multiplier: Number(m.multiplier),
    credits: m.credits,
    inputUsdPer1M: m.inputUsdPer1M,
    outputUsdPer1M: m.outputUsdPer1M,
    contextTokens: m.contextTokens,
    active: m.active,
    kind: m.kind,
  }
}

/** "groq/openai/gpt-oss-20b" → provider groq, model openai/gpt-oss-20b */
export function splitModelRef<P extends string = ProviderId>(
  ref: string | undefined,
  schema: { safeParse: (v: unknown) => { success: true; data: P } | { success: false } } = ProviderId as never,
): { provider: P; modelId: string } {
  const i = ref?.indexOf('/') ?? -1
  const provider = schema.safeParse(ref?.slice(0, i))
  if (!ref || i < 1 || !provider.success || i === ref.length - 1) {
    throw new UsageError(`Give the model as <provider>/<modelId>, e.g. groq/llama-3.1-8b-instant (got "${ref ?? ''}")`)
  }
  return { provider: provider.data, modelId: ref.slice(i + 1) }
}

function csvCell(v: string | number | boolean): string {
  const text = String(v)
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function printEntry(e: PricingHistoryEntry, out: Write): void {
  out(`${e.at}  ${e.kind}  ${e.title}${e.undoneAt ? `  (undone ${e.undoneAt})` : ''}\n`)
  if (e.reason) out(`  reason: ${e.reason}\n`)
  if (e.checksum) out(`  file: ${e.checksum}\n`)
  printLines(e.lines, (s) => out(`  ${s}`))
}

export async function pricingSubcommand(core: Core, sub: string, args: Parsed, out: Write): Promise<number> {
  const { values, positionals } = args
  const json = Boolean(values.json)
  const emit = (value: unknown) => out(`${JSON.stringify(value, null, 2)}\n`)
  switch (sub) {
    case 'apply': {
      const file = positionals[1]
      if (!file) throw new UsageError('pricing apply needs a file')
      const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new Error(`Cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)
      })
      const fileField = { text: { name: file, arg: false } }
      const preview = await call(core, 'pricing.preview', { text }, fileField)
      if (values['dry-run']) {
        if (json) emit(preview)
        else {
          out(`${preview.title} (${preview.date}) — preview, nothing applied\n`)
          printLines(preview.lines, out)
          for (const w of preview.warnings) out(`warning: ${w}\n`)
        }
        return 0
      }
      const entry = await call(core, 'pricing.apply', { text, confirmWarnings: Boolean(values.yes) }, fileField)
      if (json) emit(entry)
      else {
        out(`Applied "${entry.title}".\n`)
        printLines(entry.lines, out)
      }
      return 0
    }
    case 'history': {
      const entries = await call(core, 'pricing.history', {})
      if (json) emit(entries)
      else if (!entries.length) out('No pricing changes yet.\n')
      else for (const e of entries) printEntry(e, out)
      return 0
    }
    case 'undo': {
      const e = await call(core, 'pricing.undo', {})
      if (json) emit(e)
      else out(`Undid "${e.title}" from ${e.at}.\n`)
      return 0
    }
    case 'set': {
      const ref = splitModelRef(positionals[1], CloudProviderId)
      const active =
        values.active === undefined ? undefined : values.active === 'true' ? true : values.active === 'false' ? false : null
      if (active === null) throw new UsageError('--active takes true or false')
      if (typeof values.reason !== 'string') throw new UsageError('pricing set needs --reason TEXT')
      const e = await call(
        core,
        'pricing.set',
        {
          ...ref,
          ...(typeof values.multiplier === 'string' ? { multiplier: values.multiplier } : {}),
          ...(active !== undefined ? { active } : {}),
          reason: values.reason,
        },
        {
          modelId: { name: 'the model', arg: true },
          multiplier: { name: '--multiplier', arg: true },
          reason: { name: '--reason', arg: true },
        },
      )
      if (json) emit(e)
      else printLines(e.lines, out)
      return 0
    }
    case 'export': {
      const models = (await call(core, 'catalog.list', { includeInactive: true })).map(pricingJson)
      if (json) emit(models)
      else {
        out('provider,model_id,display_name,input_usd_per_1m,output_usd_per_1m,context_tokens,multiplier,credits,active,kind\n')
        for (const m of models) {
          const row = [
            m.provider,
            m.modelId,
            m.displayName,
            m.inputUsdPer1M,
            m.outputUsdPer1M,
            m.contextTokens,
            m.multiplier,
            m.credits,
            m.active,
            m.kind,
          ]
          out(`${row.map(csvCell).join(',')}\n`)
        }
      }
      return 0
    }
    default:
      throw new UsageError(`Unknown pricing command "${sub}"`)
  }
}
