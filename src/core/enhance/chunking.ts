import type { Preset } from '../../shared/enhance-types'
import { reducingPresets } from './presets'

/**
 * A cautious token estimate: ~3.5 characters per token covers English and Turkish (whose
 * agglutinated words tokenize into more pieces) without a tokenizer per provider.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5)
}

/** Room for the system prompt, the delimiters and a safety margin. */
const PROMPT_OVERHEAD_TOKENS = 600
/** Longest input per chunk: keeps chunks parallel and answers under common output caps (8K). */
const MAX_MAP_CHUNK_TOKENS = 6000
const MAX_REDUCE_CHUNK_TOKENS = 24_000

/**
 * How much transcript fits in one call. Rewriting presets (clean-up, translate, custom) answer
 * about as long as the input, so input and output share the window; summaries answer short.
 */
export function chunkBudget(contextTokens: number, preset: Preset): number {
  const room = Math.max(256, contextTokens - PROMPT_OVERHEAD_TOKENS)
  return reducingPresets.has(preset)
    ? Math.min(MAX_REDUCE_CHUNK_TOKENS, Math.floor(room * 0.75))
    : Math.min(MAX_MAP_CHUNK_TOKENS, Math.floor(room * 0.45))
}

/** Sentences and segment lines, each keeping its trailing whitespace so joins are exact. */
function units(text: string): string[] {
  return text.match(/[^.!?…\n]*(?:[.!?…]+|\n|$)\s*/g)?.filter((u) => u !== '') ?? [text]
}

/**
 * Split at sentence or segment boundaries into chunks of at most `maxTokens` (estimated);
 * a single sentence longer than that is split between words. Concatenating the chunks gives
 * back the original text exactly.
 */
export function splitIntoChunks(text: string, maxTokens: number): string[] {
  const maxChars = Math.max(1, Math.floor(maxTokens * 3.5))
  const chunks: string[] = []
  let current = ''
  const flush = () => {
    if (current) chunks.push(current)
    current = ''
  }
  for (const unit of units(text)) {
    if (current.length + unit.length <= maxChars) {
      current += unit
      continue
    }
    flush()
    if (unit.length <= maxChars) {
      current = unit
      continue
    }
    for (const word of unit.match(/\S+\s*/g) ?? [unit]) {
      if (current.length + word.length > maxChars) flush()
      // a "word" longer than a chunk (no spaces at all) is cut where it must be
      for (let i = 0; i < word.length; i += maxChars) {
        const piece = word.slice(i, i + maxChars)
        if (current.length + piece.length > maxChars) flush()
        current += piece
      }
    }
  }
  flush()
  return chunks.length ? chunks : [text]
}
