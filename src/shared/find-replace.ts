/** How a search across the transcript matches. */
export interface FindOptions {
  wholeWord: boolean
  matchCase: boolean
  /** the transcript's language as whisper names it ("tr", "turkish"): Turkish folds I/ı and İ/i its own way */
  language?: string
}

export interface Match {
  start: number
  end: number
}

/** Turkish lower-cases I to ı and İ to i; every other language here uses the default folding. */
export function caseLocaleOf(language: string | undefined): string | undefined {
  const l = (language ?? '').toLowerCase()
  return l === 'tr' || l === 'turkish' ? 'tr' : undefined
}

/**
 * Where `needle` occurs in `text`. Without match case both are folded character by character in
 * the transcript's language, so a match's place in the folded text maps back to the original
 * even where folding changes a character's length ("İ" is two code units folded outside Turkish).
 */
export function findMatches(text: string, needle: string, opts: FindOptions): Match[] {
  if (!needle) return []
  const locale = caseLocaleOf(opts.language)
  const fold = (s: string) => {
    if (opts.matchCase) return { folded: s, at: Array.from({ length: s.length + 1 }, (_, i) => i) }
    let folded = ''
    const at: number[] = []
    let i = 0
    for (const ch of s) {
      const f = ch.toLocaleLowerCase(locale)
      for (let k = 0; k < f.length; k++) at.push(i)
      folded += f
      i += ch.length
    }
    at.push(i)
    return { folded, at }
  }
  const hay = fold(text)
  const pin = fold(needle).folded
  const out: Match[] = []
  let from = 0
  while (from <= hay.folded.length - pin.length) {
    const k = hay.folded.indexOf(pin, from)
    if (k < 0) break
    const m = { start: hay.at[k]!, end: hay.at[k + pin.length]! }
    if (!opts.wholeWord || (!isWordChar(text, m.start - 1) && !isWordChar(text, m.end))) {
      out.push(m)
      from = k + pin.length
    } else from = k + 1
  }
  return out
}

/** `text` with every match of `needle` replaced, and how many were. */
export function replaceAllIn(
  text: string,
  needle: string,
  replacement: string,
  opts: FindOptions,
): { text: string; count: number } {
  const matches = findMatches(text, needle, opts)
  let out = ''
  let last = 0
  for (const m of matches) {
    out += text.slice(last, m.start) + replacement
    last = m.end
  }
  return { text: out + text.slice(last), count: matches.length }
}

function isWordChar(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false
  return /[\p{L}\p{N}\p{M}_]/u.test(text[i]!)
}
