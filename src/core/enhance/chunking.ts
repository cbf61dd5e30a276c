import type { Preset } from '../../shared/enhance-types'
import { CHARS_PER_TOKEN } from '../providers/token-estimate'
import { reducingPresets } from './presets'

export { CHARS_PER_TOKEN, estimateTokens } from '../providers/token-estimate'

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

/** A sentence or a segment line, with its trailing whitespace (so joins are exact). */
const UNIT = /[^.!?…\n]*(?:[.!?…]+|\n|$)\s*/g
const WORD = /\S+\s*/g

/**
 * Split at sentence or segment boundaries into chunks of at most `maxTokens` (estimated);
 * a single sentence longer than that is split between words, and a "word" longer than a chunk
 * where it must be. Concatenating the chunks gives back the original text exactly.
 *
 * The chunk being built is always one contiguous slice of the text, so it is kept as two indices
 * and sliced once when complete: no string per sentence and no concatenation, which matters for
 * transcripts of several megabytes (this runs on the thread that serves the UI).
 */
export function splitIntoChunks(text: string, maxTokens: number): string[] {
  const maxChars = Math.max(1, Math.floor(maxTokens * CHARS_PER_TOKEN))
  const chunks: string[] = []
  let start = 0 // the chunk being built is text.slice(start, end)
  let end = 0
  const flush = () => {
    if (end > start) chunks.push(text.slice(start, end))
    start = end
  }
  UNIT.lastIndex = 0
  while (UNIT.lastIndex < text.length) {
    const m = UNIT.exec(text)
    if (!m || m[0] === '') break
    const unitEnd = m.index + m[0].length
    if (unitEnd - start <= maxChars) {
      end = unitEnd
      continue
    }
    flush()
    if (unitEnd - start <= maxChars) {
      end = unitEnd
      continue
    }
    // one sentence longer than a chunk: split between words (whitespace before the first word
    // belongs to it, so nothing is lost)
    WORD.lastIndex = m.index
    let wordStart = m.index
    while (wordStart < unitEnd) {
      const w = WORD.exec(text)
      const wordEnd = !w || w.index >= unitEnd ? unitEnd : Math.min(unitEnd, w.index + w[0].length)
      WORD.lastIndex = wordEnd
      if (wordEnd - start > maxChars) flush()
      // a "word" longer than a chunk (no spaces at all) is cut where it must be
      for (let i = wordStart; i < wordEnd; i += maxChars) {
        const pieceEnd = Math.min(wordEnd, i + maxChars)
        if (pieceEnd - start > maxChars) flush()
        end = pieceEnd
      }
      wordStart = wordEnd
    }
  }
  flush()
  return chunks.length ? chunks : [text]
}
