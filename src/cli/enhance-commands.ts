import type { Core } from '../core/app-core'
import type { RunHooks } from '../core/enhance/enhance-service'
import { modelKey, type ProviderId } from '../shared/catalog-types'
import type { EventName, EventPayload } from '../shared/contract'
import { Preset, type EnhanceResult, type RetryReason } from '../shared/enhance-types'
import { AppError } from '../shared/errors'
import { keyEnvVarOf } from '../shared/providers'
import { UsageError, type Parsed } from './cli-args'
import { call, type FieldNames } from './cli-call'
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
    onRetry: (r) => err(`${retryLine(r)}\n`),
    onProgress: (p) => {
      if (p.phase === 'map' && p.chunksDone === 0 && p.chunksTotal > 1 && reducing) multiPartReduce = true
      if (p.chunksTotal > 1) err(`[${p.phase === 'reduce' ? 'merging' : `${p.chunksDone}/${p.chunksTotal} parts`}]\n`)
    },
    onDelta: (d) => {
      if (d.phase === 'reduce') {
        // what the retry is comes with onRetry; here the merge's own line just ends
        if (d.reset && reduceShown > 0) err('\n')
        if (d.reset) reduceShown = 0
        else if (live) {
          out(d.text)
          reduceShown += d.text.length
        }
        return
      }
      if (multiPartReduce) return
      if (d.reset) {
        if (live && d.chunk === head && shown > 0) err('\n')
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

/** The request's fields as the command line names them, for refusals worded in its terms. */
const requestNames = (file: string): FieldNames => ({
  text: { name: file === '-' ? 'standard input' : file, arg: false },
  lang: { name: '--lang', arg: true },
  targetLang: { name: '--target-lang', arg: true },
  prompt: { name: '--prompt', arg: true },
  models: { name: '--models', arg: true },
  modelId: { name: '--model', arg: true },
})

type Ref = { provider: ProviderId; modelId: string }

/**
 * A custom/ model is whatever the local server (Ollama, LM Studio, llama.cpp) offers. The app
 * learns that list from Settings; a CLI user has none, so the CLI reads the server's /models
 * itself (through the contract's providers.refreshLocalModels) when a model is not known yet.
 */
async function ensureLocalModels(core: Core, refs: Ref[]): Promise<void> {
  const wanted = refs.filter((r) => r.provider === 'custom')
  if (!wanted.length) return
  const known = new Set(
    (await call(core, 'catalog.list', { includeInactive: true })).filter((m) => m.provider === 'custom').map((m) => m.modelId),
  )
  if (wanted.every((r) => known.has(r.modelId))) return
  const url = (await call(core, 'providers.status', {})).find((s) => s.provider === 'custom')?.baseUrl
  if (!url)
    throw new UsageError(
      'A custom/ model runs on a local server: give its address with --base-url (Ollama: http://127.0.0.1:11434/v1, LM Studio: http://127.0.0.1:1234/v1) or MP4TOTEXT_CUSTOM_BASE_URL',
    )
  let ids: string[]
  try {
    ids = await call(core, 'providers.refreshLocalModels', {})
  } catch (err) {
    throw new AppError(
      'provider-error',
      `Cannot read the model list of the local server at ${url}: ${(err as Error).message.replace(/\.$/, '')}. Is the server running, and is the address right?`,
    )
  }
  for (const r of wanted)
    if (!ids.includes(r.modelId))
      throw new AppError(
        'not-found',
        `custom/${r.modelId} is not offered by the local server at ${url}. It has: ${ids.join(', ') || 'no models'}.`,
      )
}

/** Why a request is tried again, as the CLI says it (the app's pages word the same reasons). */
const retryWords: Record<RetryReason, string> = {
  'rate-limited': "the provider's rate limit was reached",
  overloaded: 'the provider is over capacity',
  server: 'the provider had a server error',
  network: 'the connection to the provider failed',
  'stream-cut': 'the answer was cut off',
}

/** "[the provider's rate limit was reached: trying again in 3 s (attempt 2 of 4)]" */
export function retryLine(r: Pick<EventPayload<'enhance.retry'>, 'reason' | 'attempt' | 'maxAttempts' | 'delayMs'>): string {
  const seconds = Math.max(1, Math.ceil(r.delayMs / 1000))
  return `[${retryWords[r.reason]}: trying again in ${seconds} s (attempt ${r.attempt + 1} of ${r.maxAttempts})]`
}

type Followed = (name: EventName, payload: unknown) => void

/**
 * Follows enhancements started through the contract by their events, as the app's pages do.
 * It subscribes before the start call, because a fast failure can be reported before that call
 * has returned the run's id; such early events wait here until the run is followed.
 */
function runFollower(core: Core) {
  const followers = new Map<string, Followed>()
  const early = new Map<string, [EventName, unknown][]>()
  const off = core.events.subscribe((name, payload) => {
    if (name !== 'enhance.delta' && name !== 'enhance.progress' && name !== 'enhance.retry' && name !== 'enhance.finished') return
    const id = (payload as { id: string }).id
    const f = followers.get(id)
    if (f) f(name, payload)
    else early.set(id, [...(early.get(id) ?? []), [name, payload]])
  })

  /** Feeds the run's events to the hooks; resolves with the result, or rejects with its error. */
  const follow = (id: string, hooks: RunHooks = {}): Promise<EnhanceResult> =>
    new Promise((resolve, reject) => {
      const texts: string[][] = [] // each part's text as streamed, to hand on when it is complete
      const done = new Set<number>()
      const partDone = (i: number) => {
        if (done.has(i)) return
        done.add(i)
        hooks.onChunkDone?.(i, (texts[i] ?? []).join(''))
      }
      const handle: Followed = (name, payload) => {
        if (name === 'enhance.delta') {
          const d = payload as EventPayload<'enhance.delta'>
          if (d.phase === 'map') {
            if (d.reset) texts[d.chunk] = []
            else (texts[d.chunk] ??= []).push(d.text)
          }
          hooks.onDelta?.(d)
        } else if (name === 'enhance.progress') {
          const p = payload as EventPayload<'enhance.progress'> & { chunk?: unknown }
          hooks.onProgress?.({ chunksDone: p.chunksDone, chunksTotal: p.chunksTotal, phase: p.phase })
          // the part that just finished, when the core says which (its text is complete by now)
          if (p.phase === 'map' && typeof p.chunk === 'number') partDone(p.chunk)
        } else if (name === 'enhance.retry') {
          hooks.onRetry?.(payload as EventPayload<'enhance.retry'>)
        } else {
          const f = payload as EventPayload<'enhance.finished'>
          followers.delete(id)
          if (f.status === 'done' && f.result) {
            for (let i = 0; i < f.result.stats.chunks; i++) partDone(i)
            resolve(f.result)
          } else reject(new AppError(f.error?.code ?? 'internal', f.error?.message ?? `The enhancement ${f.status}`))
        }
      }
      followers.set(id, handle)
      const waiting = early.get(id) ?? []
      early.delete(id)
      for (const [name, payload] of waiting) handle(name, payload)
    })

  return { follow, close: off }
}

/** Ctrl-C cancels through the contract (the credits are refunded), once the run has an id. */
function cancelOnSigint(core: Core, err: Write) {
  const ids: string[] = []
  let interrupted = false
  const cancel = (id: string) => void call(core, 'enhance.cancel', { id }).catch(() => undefined)
  const onSigint = () => {
    err('\nCancelling… (the credits are refunded)\n')
    interrupted = true
    ids.forEach(cancel)
  }
  process.once('SIGINT', onSigint)
  return {
    started: (id: string) => {
      ids.push(id)
      if (interrupted) cancel(id)
    },
    dispose: () => process.removeListener('SIGINT', onSigint),
  }
}

export async function enhanceCommand(core: Core, args: Parsed, out: Write, err: Write): Promise<number> {
  const file = args.positionals[0]
  if (!file) throw new UsageError('enhance needs a transcript file (or - for standard input)')
  const ref = splitModelRef(localAlias(args.values.model as string | undefined))
  const text = await readTranscript(file)
  const request = { ...baseRequest(args, text), ...ref }
  await ensureLocalModels(core, [ref])
  const json = Boolean(args.values.json)
  const live = !json && Boolean(process.stdout.isTTY)
  const writer = json ? null : createStreamWriter(out, err, live, ['summary', 'keyPoints', 'minutes'].includes(request.preset))
  const runs = runFollower(core)
  const sigint = cancelOnSigint(core, err)
  try {
    const { id } = await call(core, 'enhance.start', request, requestNames(file))
    sigint.started(id)
    const r = await runs.follow(id, writer ?? {})
    if (!writer) out(`${JSON.stringify(resultJson(r), null, 2)}\n`)
    else {
      writer.finish(r)
      const tps = r.stats.tokensPerSec ? `, ${Math.round(r.stats.tokensPerSec)} tok/s` : ''
      err(`[${r.credits} credits · ${r.stats.chunks} part(s) · ${Math.round(r.stats.durationMs)} ms${tps}]\n`)
    }
    return 0
  } catch (e) {
    throw ref.provider === 'custom' ? await withLocalServerHint(core, e) : forTheCommandLine(e, ref.provider)
  } finally {
    sigint.dispose()
    runs.close()
  }
}

/** `local/<name>` is the command line's name for the built-in engine's models (builtin/<name>). */
export function localAlias(ref: string | undefined): string | undefined {
  return ref?.replace(/^local\//, 'builtin/')
}

/** The core's messages speak to the app's user; a CLI user has environment variables, not Settings. */
function forTheCommandLine(e: unknown, provider: ProviderId): unknown {
  if (!(e instanceof AppError) || e.code !== 'provider-auth') return e
  return new AppError(e.code, e.message.replace(/Check the key in Settings\.?$/, `Check ${keyEnvVarOf(provider)}.`))
}

/** A local server that fails is most often not running, or at another address: say which one. */
async function withLocalServerHint(core: Core, e: unknown): Promise<unknown> {
  if (!(e instanceof AppError) || e.code !== 'provider-error') return e
  const url = (await call(core, 'providers.status', {}).catch(() => [])).find((s) => s.provider === 'custom')?.baseUrl
  return url ? new AppError(e.code, `${e.message} (local server: ${url}; give another with --base-url)`) : e
}

export async function compareCommand(core: Core, args: Parsed, out: Write, err: Write): Promise<number> {
  const file = args.positionals[0]
  if (!file) throw new UsageError('compare needs a transcript file')
  const refs = String(args.values.models ?? '')
    .split(',')
    .filter(Boolean)
    .map((m) => splitModelRef(localAlias(m)))
  if (refs.length < 2 || refs.length > 4) throw new UsageError('--models takes 2 to 4 models: provider/model,provider/model')
  const text = await readTranscript(file)
  await ensureLocalModels(core, refs)
  const runs = runFollower(core)
  const sigint = cancelOnSigint(core, err)
  let settled: PromiseSettledResult<EnhanceResult>[]
  try {
    // the core checks that the whole comparison is affordable before anything starts
    const started = await call(core, 'enhance.compare', { ...baseRequest(args, text), models: refs }, requestNames(file))
    settled = await Promise.allSettled(
      started.runs.map((r) => {
        if (!r.id) return Promise.reject(new AppError(r.error?.code ?? 'internal', r.error?.message ?? 'Did not start'))
        sigint.started(r.id)
        return runs.follow(r.id).catch((e: unknown) => Promise.reject(forTheCommandLine(e, r.provider)))
      }),
    )
  } finally {
    sigint.dispose()
    runs.close()
  }
  const rows = settled.map((s, i) => ({ model: modelKey(refs[i]!), s }))
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
