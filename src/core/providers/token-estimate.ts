/**
 * A cautious token estimate where no tokenizer is at hand: ~3.5 characters per token covers
 * English and Turkish (whose agglutinated words tokenize into more pieces) for every provider.
 * Chunk sizes and usage a provider did not report both come from here.
 */
export const CHARS_PER_TOKEN = 3.5

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN)
}
