import type { EnhanceRequest, Usage } from '../../shared/enhance-types'
import type { StreamResult } from '../providers/llm-client'
import { chunkBudget, splitIntoChunks } from './chunking'
import { hasSpeakerLabels, reducePrompt, reducingPresets, systemPrompt } from './presets'
import type { CallContext, RetryingStream, RetryNotice } from './retrying-stream'

export interface ChunkHooks {
  onDelta?: (delta: { chunk: number; phase: 'map' | 'reduce'; text: string; reset: boolean }) => void
  /** `chunk`: the part that just finished (map phase) */
  onProgress?: (p: { chunksDone: number; chunksTotal: number; phase: 'map' | 'reduce'; chunk?: number }) => void
  /** a part's request failed and will be tried again after `delayMs` */
  onRetry?: (r: RetryNotice & { chunk: number; phase: 'map' | 'reduce' }) => void
  /** one part finished, with its final text (parts finish in any order) */
  onChunkDone?: (chunk: number, text: string) => void
}

export interface ChunkOutcome {
  text: string
  usage: Usage
  ttftMs: number | null
  tokensPerSec: number | null
  /** some part's output tokens were counted from characters (no usage reported) */
  tokensPerSecEstimated: boolean
  chunks: number
}

export const chunkSeparator = (req: Pick<EnhanceRequest, 'preset'>): string =>
  reducingPresets.has(req.preset) ? '\n\n---\n\n' : '\n\n'

/**
 * Map-reduce over a long transcript: split at sentence boundaries into parts that fit the
 * model's window, run them `concurrency` at a time, and — for summary-like presets — merge the
 * parts' results in one final call. `partial.text` is set to read what has arrived so far,
 * for a run that fails part-way.
 */
export async function runChunks(
  stream: RetryingStream,
  ctx: CallContext,
  req: EnhanceRequest,
  concurrency: number,
  hooks: ChunkHooks,
  partial: { text: () => string },
): Promise<ChunkOutcome> {
  const opts = { lang: req.lang, targetLang: req.targetLang, prompt: req.prompt, speakers: hasSpeakerLabels(req.text) }
  const chunks = splitIntoChunks(req.text, chunkBudget(ctx.model.contextTokens, req.preset))
  // Each part's text as the pieces that streamed in: appending is O(1) per token, and the whole
  // output is joined once at the end (or once on failure, for the partial text) — never per
  // token, which made long transcripts quadratic.
  const pieces: string[][] = chunks.map(() => [])
  partial.text = () => pieces.map((p) => p.join('')).join(chunkSeparator(req))
  const usage: Usage = { inputTokens: 0, outputTokens: 0 }
  const timings: StreamResult[] = []
  let done = 0
  hooks.onProgress?.({ chunksDone: 0, chunksTotal: chunks.length, phase: 'map' })

  const runOne = async (i: number) => {
    const r = await stream.call(ctx, systemPrompt(req.preset, ctx.fence, opts), chunks[i]!, {
      delta: (text, reset) => {
        if (reset) pieces[i] = []
        else pieces[i]!.push(text)
        hooks.onDelta?.({ chunk: i, phase: 'map', text, reset })
      },
      retry: (n) => hooks.onRetry?.({ ...n, chunk: i, phase: 'map' }),
    })
    pieces[i] = [r.text]
    hooks.onChunkDone?.(i, r.text)
    usage.inputTokens += r.usage.inputTokens
    usage.outputTokens += r.usage.outputTokens
    timings.push(r)
    hooks.onProgress?.({ chunksDone: ++done, chunksTotal: chunks.length, phase: 'map', chunk: i })
  }
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(chunks.length, concurrency) }, async () => {
      while (next < chunks.length) await runOne(next++)
    }),
  )

  let text = partial.text()
  if (chunks.length > 1 && reducingPresets.has(req.preset)) {
    hooks.onProgress?.({ chunksDone: 0, chunksTotal: 1, phase: 'reduce' })
    const r = await stream.call(ctx, reducePrompt(req.preset, ctx.fence, opts), text, {
      delta: (t, reset) => hooks.onDelta?.({ chunk: 0, phase: 'reduce', text: t, reset }),
      retry: (n) => hooks.onRetry?.({ ...n, chunk: 0, phase: 'reduce' }),
    })
    usage.inputTokens += r.usage.inputTokens
    usage.outputTokens += r.usage.outputTokens
    timings.push(r)
    text = r.text
    hooks.onProgress?.({ chunksDone: 1, chunksTotal: 1, phase: 'reduce' })
  }
  const first = timings.find((t) => t.ttftMs !== null)
  const streamingMs = timings.reduce((a, t) => a + Math.max(1, t.durationMs - (t.ttftMs ?? 0)), 0)
  const tokensPerSec = usage.outputTokens > 0 && timings.length ? (usage.outputTokens / streamingMs) * 1000 : null
  const tokensPerSecEstimated = timings.some((t) => t.usageEstimated === true)
  return { text, usage, ttftMs: first?.ttftMs ?? null, tokensPerSec, tokensPerSecEstimated, chunks: chunks.length }
}
