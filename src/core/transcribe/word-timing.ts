import type { Word } from '../../shared/transcribe-types'

/** One token of whisper-server's verbose_json: whisper's tokens are pieces of words. */
export interface EngineToken {
  word: string
  start?: number
  end?: number
  probability?: number
}

/**
 * Whole words from whisper's tokens. The server lists tokens as "words", so " Merh" + "aba" + ","
 * would be three words and a subtitle could break inside "Merhaba" (the mid-word split other apps
 * reported against the 1.9.x server). A token that starts with a space starts a word; any other
 * token — the rest of a word, its punctuation — belongs to the word before it. A word spans its
 * tokens' times and is as certain as its least certain token.
 */
export function wordsFromTokens(tokens: readonly EngineToken[]): Word[] {
  const words: Word[] = []
  for (const t of tokens) {
    if (!t.word || /^\[_?[A-Z]+_?\d*\]$/.test(t.word.trim())) continue // special tokens ([_BEG_], [_TT_150])
    const startsWord = words.length === 0 || /^\s/.test(t.word)
    const start = t.start ?? t.end ?? 0
    const end = t.end ?? t.start ?? start
    const p = t.probability ?? 1
    if (startsWord) {
      const text = t.word.trim()
      if (!text) continue
      words.push({ start, end, text, probability: p })
    } else {
      const w = words.at(-1)!
      w.text += t.word
      w.end = Math.max(w.end, end)
      w.probability = Math.min(w.probability, p)
    }
  }
  return words
}
