/**
 * Search folding that keeps every character in its place: each UTF-16 unit of `text` becomes
 * one unit of the result, so a match found in the folded text marks the same span of the
 * original. Lower case, Turkish-aware (İ, I, ı and i all fold to i), marks removed (ş→s, ğ→g,
 * ç→c, ö→o, ü→u, é→e): "istanbul" finds "İstanbul", "ispanak" finds "ıspanak".
 */
export function fold(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    const code = c.charCodeAt(0)
    if (code < 0x80) {
      out += code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : c
      continue
    }
    out += foldOne(c)
  }
  return out
}

const cache = new Map<string, string>()

function foldOne(c: string): string {
  const hit = cache.get(c)
  if (hit !== undefined) return hit
  let f: string
  if (c === 'İ' || c === 'ı' || c === 'I') f = 'i'
  else if (c >= '\ud800' && c <= '\udfff')
    f = c // half of a surrogate pair: kept as it is
  else {
    const base = c
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
    // only a one-for-one replacement keeps positions; anything else (ß → ss) stays itself
    f = base.length === 1 ? base : c.toLowerCase().length === 1 ? c.toLowerCase() : c
  }
  cache.set(c, f)
  return f
}

/** The words of a search query, folded: letters and digits, everything else separates. */
export function queryTerms(query: string): string[] {
  return fold(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 12)
}

/** Each word of `text` that starts with a query term: where, and which term (matching is at word starts, as the index matches prefixes). */
export function termMatches(text: string, terms: string[]): { at: number; term: string }[] {
  const out: { at: number; term: string }[] = []
  for (const m of fold(text).matchAll(/[\p{L}\p{N}]+/gu)) {
    const term = terms.find((x) => m[0].startsWith(x))
    if (term) out.push({ at: m.index, term })
  }
  return out
}

/** A piece of a text with its matches marked, for a result line. */
export interface MarkedPart {
  text: string
  hit: boolean
}

/**
 * `text` cut to about `width` characters around its first match, the words that start with a
 * query term marked. Matching is at word starts, as the index matches prefixes.
 */
export function markMatches(text: string, terms: string[], width = 120): MarkedPart[] {
  const spans = termMatches(text, terms).map(({ at, term }): [number, number] => [at, at + term.length])
  const first = spans[0]?.[0] ?? 0
  let from = Math.max(0, first - Math.floor(width / 3))
  const to = Math.min(text.length, from + width)
  from = Math.max(0, Math.min(from, to - width))
  const parts: MarkedPart[] = []
  let at = from
  for (const [a, b] of spans) {
    if (b <= from || a >= to) continue
    if (a > at) parts.push({ text: text.slice(at, a), hit: false })
    parts.push({ text: text.slice(Math.max(a, at), Math.min(b, to)), hit: true })
    at = Math.min(b, to)
  }
  if (at < to) parts.push({ text: text.slice(at, to), hit: false })
  if (from > 0) parts.unshift({ text: '…', hit: false })
  if (to < text.length) parts.push({ text: '…', hit: false })
  return parts
}
