import type { Core } from '../core/app-core'
import type { RunHooks } from '../core/enhance/enhance-service'
import type { ProviderId } from '../shared/catalog-types'
import { Preset, type EnhanceResult } from '../shared/enhance-types'
import { UsageError, type Parsed } from './cli-args'
import { splitModelRef } from './pricing-commands'
import { readTranscript } from './transcript-input'

type Write = (s: string) => void

export function parsePreset(v: unknown): Preset {
  const p = Preset.safeParse(v ?? 'cleanup')
  if (!p.success) throw new UsageError(`--preset must be one of: ${Preset.options.join(', ')}`)
  return p.data
}

export function resultJson(r: EnhanceResult) {
  return {
    text: r.text,
    provider: r.provider,
    modelId: r.modelId,
    preset: r.preset,
    credits: r.credits,
    usage: r.stats.usage,
    ttftMs: r.stats.ttftMs === null ? null : Math.round(r.stats.ttftMs),
    durationMs: Math.round(r.stats.durationMs),
  }
}

/**
 * Writes the result as it arrives. On a terminal, tokens appear live. When stdout is a pipe or a
 * file, each part is written only once it is complete, in order, so a part that had to be
 * retried can never leave its first half in the output. Summary-like presets over several parts
 * print only the final merge, never the intermediate part summaries.
 */
export function createStreamWriter(
  out: Write,
  err: Write,
  live: boolean,
  reducing: boolean,
): RunHooks & { finish: (r: EnhanceResult) => void } {
  const parts: string[] = []
  const done = new Set<number>()
  let head = 0
  let shown = 0 // characters of parts[head] already written live
  let multiPartReduce = false
  let reduceShown = 0

  const advance = () => {
    while (done.has(head)) {
      const text = parts[head] ?? ''
      out(live ? text.slice(shown) : `${head > 0 ? '\n\n' : ''}${text}`)
      head++
      shown = 0
      if (live && parts[head]) {
        out(`\n\n${parts[head]}`)
        shown = parts[head]!.length
      } else if (live && !done.has(head) && head < parts.length) out('\n\n')
    }
  }

  return {
    onProgress: (p) => {
      if (p.phase === 'map' && p.chunksDone === 0 && p.chunksTotal > 1 && reducing) multiPartReduce = true
      if (p.chunksTotal > 1) err(`[${p.phase === 'reduce' ? 'merging' : `${p.chunksDone}/${p.chunksTotal} parts`}]\n`)
    },
    onDelta: (d) => {
      if (d.phase === 'reduce') {
        if (d.reset && reduceShown > 0) err('\n[connection lost; the merge is being retried]\n')
        if (d.reset) reduceShown = 0
        else if (live) {
          out(d.text)
          reduceShown += d.text.length
        }
        return
      }
      if (multiPartReduce) return
      if (d.reset) {
        if (live && d.chunk === head && shown > 0) err('\n[connection lost; this part is being retried]\n')
        parts[d.chunk] = ''
        if (d.chunk === head) shown = 0
        return
      }
      parts[d.chunk] = (parts[d.chunk] ?? '') + d.text
      if (live && d.chunk === head) {
        out(d.text)
        shown += d.text.length
      }
    },
    onChunkDone: (i, text) => {
      if (multiPartReduce) return
      parts[i] = text
      done.add(i)
      advance()
    },
    finish: (r) => {
      if (multiPartReduce && !live) out(r.text)
      out('\n')
    },
  }
}

function baseRequest(args: Parsed, text: string) {
  const v = args.values
  return {
    text,
    preset: parsePreset(v.preset),
    ...(typeof v.lang === 'string' ? { lang: v.lang } : {}),
    ...(typeof v['target-lang'] === 'string' ? { targetLang: v['target-lang'] } : {}),
    ...(typeof v.prompt === 'string' ? { prompt: v.prompt } : {}),
  }
}

export async function enhanceCommand(core: Core, args: Parsed, out: Write, err: Write): Promise<number> {
  const file = args.positionals[0]
  if (!file) throw new UsageError('enhance needs a transcript file (or - for standard input)')
  const { provider, modelId } = splitModelRef(args.values.model as string | undefined)
  const text = await readTranscript(file)
  if (!text.trim()) throw new Error(`${file} holds no text`)
  const json = Boolean(args.values.json)
  const live = !json && Boolean(process.stdout.isTTY)
  const ac = new AbortController()
  const onSigint = () => {
    err('\nCancelling… (the credits are refunded)\n')
    ac.abort()
  }
  process.once('SIGINT', onSigint)
  try {
    const request = { ...baseRequest(args, text), provider, modelId }
    const writer = json ? null : createStreamWriter(out, err, live, ['summary', 'keyPoints', 'minutes'].includes(request.preset))
    const r = await core.enhance.run(request, { ...(writer ?? {}), signal: ac.signal })
    if (!writer) out(`${JSON.stringify(resultJson(r), null, 2)}\n`)
    else {
      writer.finish(r)
      const tps = r.stats.tokensPerSec ? `, ${Math.round(r.stats.tokensPerSec)} tok/s` : ''
      err(`[${r.credits} credits · ${r.stats.chunks} part(s) · ${Math.round(r.stats.durationMs)} ms${tps}]\n`)
    }
    return 0
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
}

export async function compareCommand(core: Core, args: Parsed, out: Write, err: Write): Promise<number> {
  const file = args.positionals[0]
  if (!file) throw new UsageError('compare needs a transcript file')
  const refs = String(args.values.models ?? '')
    .split(',')
    .filter(Boolean)
    .map((m) => splitModelRef(m))
  if (refs.length < 2 || refs.length > 4) throw new UsageError('--models takes 2 to 4 models: provider/model,provider/model')
  const text = await readTranscript(file)
  const base = baseRequest(args, text)
  const totals = refs.reduce((s, m) => s + core.catalog.get(m.provider, m.modelId).credits, 0)
  if (totals > core.credits.state().balance) {
    throw new Error(`This comparison needs ${totals} credits and the balance is ${core.credits.state().balance}.`)
  }
  const settled = await Promise.allSettled(
    refs.map((m) => core.enhance.run({ ...base, provider: m.provider as ProviderId, modelId: m.modelId })),
  )
  const rows = settled.map((s, i) => ({ model: `${refs[i]!.provider}/${refs[i]!.modelId}`, s }))
  if (args.values.json) {
    out(
      `${JSON.stringify(
        rows.map(({ model, s }) =>
          s.status === 'fulfilled' ? { model, ...resultJson(s.value) } : { model, error: (s.reason as Error).message },
        ),
        null,
        2,
      )}\n`,
    )
  } else {
    for (const { model, s } of rows) {
      out(`=== ${model}\n`)
      if (s.status === 'fulfilled') {
        const st = s.value.stats
        out(`${s.value.text}\n`)
        out(
          `--- ${s.value.credits} credits · first token ${st.ttftMs === null ? '–' : Math.round(st.ttftMs)} ms · ${st.tokensPerSec ? Math.round(st.tokensPerSec) : '–'} tok/s · ${Math.round(st.durationMs)} ms total\n\n`,
        )
      } else out(`failed: ${(s.reason as Error).message}\n\n`)
    }
  }
  const failed = settled.filter((s) => s.status === 'rejected').length
  if (failed) err(`${failed} of ${refs.length} models failed (their credits were refunded).\n`)
  return failed ? 1 : 0
}
