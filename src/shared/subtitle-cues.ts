/**
 * Subtitles that fit a screen: segments (and their word timing, where the engine gave it) are
 * re-cut into cues shaped to broadcast norms — at most `maxLineChars` per line and `maxLines`
 * lines, at most `maxCps` characters per second where the timing allows, cues of `minDurSec` to
 * `maxDurSec`, a small gap between cues. Cues break at sentence ends first, then at commas, then
 * between words, never inside a word. A cue that still reads too fast is marked, so the editor
 * can show it.
 */

export interface CueWord {
  start: number
  end: number
  text: string
}

export interface CueSource {
  start: number
  end: number
  text: string
  words?: CueWord[]
  speaker?: string | null
}

export interface CueRules {
  maxLineChars: number
  maxLines: number
  maxCps: number
  minDurSec: number
  maxDurSec: number
  gapSec: number
}

export const defaultCueRules: CueRules = {
  maxLineChars: 42,
  maxLines: 2,
  maxCps: 17,
  minDurSec: 1,
  maxDurSec: 7,
  gapSec: 0.08,
}

export interface Cue {
  start: number
  end: number
  /** the cue's lines, each within maxLineChars unless one word alone is longer */
  lines: string[]
  speaker: string | null
  /** characters per second of the cue as timed; above maxCps even after using the room there was */
  cps: number
  tooFast: boolean
}

interface Word extends CueWord {
  speaker: string | null
  /** the last word of a source segment */
  segmentEnd: boolean
}

const SENTENCE_END = /[.!?…。？！]["'”’»)]*$/
const CLAUSE_END = /[,;:،、，]["'”’»)]*$/

/** Words with times: the engine's where it gave them, else spread over the segment by length. */
function wordsOf(segments: CueSource[]): Word[] {
  const out: Word[] = []
  for (const seg of segments) {
    const speaker = seg.speaker ?? null
    const given = seg.words?.filter((w) => w.text.trim() !== '')
    let words: CueWord[]
    // word timing only while it still describes the text (an edit may have changed the words)
    if (given && given.length > 0 && sameWords(given, seg.text)) {
      words = given.map((w) => ({ start: w.start, end: w.end, text: w.text.trim() }))
    } else {
      const parts = seg.text.trim().split(/\s+/).filter(Boolean)
      const total = parts.reduce((a, p) => a + p.length + 1, 0)
      const span = Math.max(0, seg.end - seg.start)
      let at = seg.start
      words = parts.map((p) => {
        const d = (span * (p.length + 1)) / Math.max(1, total)
        const w = { start: at, end: at + d, text: p }
        at += d
        return w
      })
    }
    words.forEach((w, i) => out.push({ ...w, speaker, segmentEnd: i === words.length - 1 }))
  }
  return out
}

const squash = (s: string) => s.trim().split(/\s+/).join(' ')
const sameWords = (words: CueWord[], text: string) => squash(words.map((w) => w.text).join(' ')) === squash(text)

const joined = (ws: Word[]) => ws.map((w) => w.text).join(' ')

/**
 * Lay a cue's words out on at most `maxLines` lines of `maxLineChars`, as even as possible and
 * preferring a line break after punctuation; null when they do not fit.
 */
export function layoutLines(words: string[], rules: Pick<CueRules, 'maxLineChars' | 'maxLines'>): string[] | null {
  const text = words.join(' ')
  if (text.length <= rules.maxLineChars) return [text]
  if (rules.maxLines < 2) return words.length === 1 ? [text] : null
  let best: { lines: string[]; score: number } | null = null
  for (let i = 1; i < words.length; i++) {
    const first = words.slice(0, i).join(' ')
    if (first.length > rules.maxLineChars && i > 1) break
    const rest = layoutLines(words.slice(i), { ...rules, maxLines: rules.maxLines - 1 })
    if (!rest) continue
    const lengths = [first.length, ...rest.map((l) => l.length)]
    // even lines read best; a break after punctuation is worth a few characters of imbalance
    let score = Math.max(...lengths) - Math.min(...lengths)
    if (SENTENCE_END.test(words[i - 1]!) || CLAUSE_END.test(words[i - 1]!)) score -= 8
    if (!best || score < best.score) best = { lines: [first, ...rest], score }
  }
  return best?.lines ?? (words.length === 1 ? [text] : null)
}

/** Where to end a cue that cannot take the next word: the best break inside `cue`. */
function breakIndex(cue: Word[]): number {
  const third = Math.max(1, Math.floor(cue.length / 3))
  for (const pattern of [SENTENCE_END, CLAUSE_END]) {
    for (let i = cue.length - 1; i >= third; i--) if (pattern.test(cue[i]!.text)) return i + 1
  }
  return cue.length
}

/** Cut segments into subtitle cues shaped by `rules`. */
export function shapeCues(segments: CueSource[], partial: Partial<CueRules> = {}): Cue[] {
  const rules = { ...defaultCueRules, ...partial }
  const words = wordsOf(segments)
  const groups: Word[][] = []
  let cue: Word[] = []
  const fits = (ws: Word[]) =>
    ws.at(-1)!.end - ws[0]!.start <= rules.maxDurSec &&
    layoutLines(
      ws.map((w) => w.text),
      rules,
    ) !== null
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    if (cue.length && cue[0]!.speaker !== w.speaker) {
      // a new speaker always starts a new cue
      groups.push(cue)
      cue = []
    }
    if (cue.length === 0 || fits([...cue, w])) {
      cue.push(w)
    } else {
      const at = breakIndex(cue)
      groups.push(cue.slice(0, at))
      cue = [...cue.slice(at), w]
      // what was carried over plus this word may still not fit (a long clause): split plainly
      while (cue.length > 1 && !fits(cue)) {
        groups.push(cue.slice(0, cue.length - 1))
        cue = [w]
      }
    }
    // a sentence that ends a segment ends the cue, when the cue has some length already
    const text = joined(cue)
    if (w.segmentEnd && SENTENCE_END.test(w.text) && text.length >= rules.maxLineChars / 2) {
      groups.push(cue)
      cue = []
    }
  }
  if (cue.length) groups.push(cue)

  const cues: Cue[] = groups.map((g) => ({
    start: g[0]!.start,
    end: Math.max(g.at(-1)!.end, g[0]!.start),
    lines: layoutLines(
      g.map((w) => w.text),
      rules,
    ) ?? [joined(g)],
    speaker: g[0]!.speaker,
    cps: 0,
    tooFast: false,
  }))
  // timing: use the room before the next cue for reading speed and minimum duration, keep a gap
  for (let i = 0; i < cues.length; i++) {
    const c = cues[i]!
    const next = cues[i + 1]
    const limit = next ? Math.max(c.start, next.start - rules.gapSec) : Number.POSITIVE_INFINITY
    const chars = c.lines.join(' ').length
    const wanted = Math.min(rules.maxDurSec, Math.max(rules.minDurSec, chars / rules.maxCps))
    c.end = Math.min(c.start + rules.maxDurSec, Math.max(Math.min(limit, c.start + wanted), Math.min(c.end, limit)))
    const dur = Math.max(0.001, c.end - c.start)
    c.cps = Math.round((chars / dur) * 10) / 10
    c.tooFast = c.cps > rules.maxCps
    c.start = round3(c.start)
    c.end = round3(c.end)
  }
  return cues
}

const round3 = (x: number) => Math.round(x * 1000) / 1000
