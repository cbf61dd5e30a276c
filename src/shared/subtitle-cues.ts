/**
 * Subtitles that fit a screen: segments (and their word timing, where the engine gave it) are
 * re-cut into cues shaped to broadcast norms — at most `maxLineChars` per line (a speaker's name
 * included) and `maxLines` lines, at most `maxCps` characters per second where the timing allows,
 * cues of `minDurSec` to `maxDurSec`, two frames between cues. Cues break at sentence ends first,
 * then at commas, then between words, never inside a word, and not between a number and what it
 * counts, an article and its noun, or a verb and its particle ("end up", "iptal ettik"). A cue
 * that still reads too fast is marked, so the editor can show it.
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
  /** the shortest a cue is shown: taken from the gaps around it, or from the next cue's start */
  minDurSec: number
  maxDurSec: number
  /** of the video the subtitles go with: cues are two frames apart */
  frameRate: number
}

/** Where the media does not say (audio, an unknown rate): the PAL rate, whose 2 frames are 80 ms. */
export const DEFAULT_FRAME_RATE = 25

export const defaultCueRules: CueRules = {
  maxLineChars: 42,
  maxLines: 2,
  maxCps: 17,
  // 5/6 s, 20 frames at 24 fps: the shortest time a cue can be read, in the common style guides
  minDurSec: 5 / 6,
  maxDurSec: 7,
  frameRate: DEFAULT_FRAME_RATE,
}

/** The gap between two cues: two frames. */
export const cueGapSec = (frameRate: number) => 2 / frameRate

/**
 * A position on the media's timeline as the editor and the timestamped text show it, rounded
 * down (the segment starts within that second, so a seek there hears all of it): 75.9 → "1:15",
 * 3725 → "1:02:05".
 */
export function clockTime(sec: number, pad = false): string {
  const t = Math.max(0, Math.floor(sec + 1e-6))
  const h = Math.floor(t / 3600)
  const m = Math.floor((t % 3600) / 60)
  const s = String(t % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${pad ? String(m).padStart(2, '0') : m}:${s}`
}

export interface Cue {
  start: number
  end: number
  /** the cue's lines, each within maxLineChars (with the label) unless one word alone is longer */
  lines: string[]
  speaker: string | null
  /** the speaker's name shown before the first line, where a speaker's turn begins (when asked for) */
  label: string | null
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

// Words that lean on the next one: an article, a determiner or a preposition and its noun, a
// number and what it counts (EN and TR). A line or a cue that ends on one reads as cut short.
const LEANS_ON_NEXT = new Set(
  (
    'a an the of to in on at by for with from into onto upon about over under after before between through ' +
    'my your his its our their this these those mr. mrs. ms. dr. ' +
    'one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million ' +
    'bir iki üç dört beş altı yedi sekiz dokuz on yirmi otuz kırk elli altmış yetmiş seksen doksan yüz bin milyon milyar ' +
    'bu şu her hiçbir birkaç bazı bay bayan sayın'
  ).split(' '),
)
// Turkish postpositions, question particles, "de/da", "ki" and "değil" follow their word: a line
// never starts with one.
const LEANS_ON_PREVIOUS = new Set(
  (
    'ile için gibi kadar göre mi mı mu mü misin mısın musun müsün miyim mıyım muyum müyüm ' +
    'de da ki bile dahi değil değilim değilsin değiliz değilsiniz değiller değildi değildir değilse'
  ).split(' '),
)
// A Turkish noun and "etmek" make one verb ("iptal ettik", "teşekkür ederim"): a form of etmek
// follows its noun as a particle does.
const ETMEK = /^(?:et(?:ti|tiğ|me|mi[şy]|sin|se|meli|mek|mey)|ed(?:iyor|er|ece|eme|ebil|in|il|ip|erek))\p{L}*$/u
// English phrasal verbs: the verb and its particle are read as one ("end up", "give up", "find
// out"); a modal leans on the verb it goes with ("must end"). Forms: the base, -s, -ed, -ing
// (a final e dropped, a final consonant doubled) and the irregular ones listed.
const PARTICLES = new Set('up out off down away back over on in around through apart along'.split(' '))
const PHRASAL_BASES = (
  'end give take pick find turn set get put come go look make break bring carry figure fill hold keep let log ' +
  'point run shut sign sort throw wake work write call check clean cut drop hang show sit stand stay start ' +
  'switch try wrap grow blow catch calm cheer hand pass pay pull push sell slow back build burn close count ' +
  'shut speak step head move'
).split(' ')
const PHRASAL_IRREGULAR =
  'gave given took taken found got gotten came went gone made broke broken brought held kept ran threw thrown ' +
  'woke woken wrote written hung shown sat stood grew grown blew blown caught paid sold built burnt spoke spoken'
function verbForms(base: string): string[] {
  const stem = base.endsWith('e') ? base.slice(0, -1) : base
  const last = base.at(-1)!
  // "stop" → "stopping": a short verb ending consonant-vowel-consonant doubles its last letter
  const doubled = /^[^aeiou]*[aeiou][^aeiouwxy]$/.test(base) ? base + last : base
  const s = /(s|sh|ch|x|z|o)$/.test(base)
    ? `${base}es`
    : base.endsWith('y') && !/[aeiou]y$/.test(base)
      ? `${base.slice(0, -1)}ies`
      : `${base}s`
  const ed = base.endsWith('e')
    ? `${base}d`
    : base.endsWith('y') && !/[aeiou]y$/.test(base)
      ? `${base.slice(0, -1)}ied`
      : `${doubled}ed`
  return [base, s, ed, `${doubled === base ? stem : doubled}ing`]
}
const PHRASAL_VERBS = new Set([...PHRASAL_BASES.flatMap(verbForms), ...PHRASAL_IRREGULAR.split(' ')])
const MODALS = new Set('can could will would shall should may might must'.split(' '))
const NUMBER = /^[-+]?\d+(?:[.,:]\d+)*%?$/

/** Whether a break between `word` and `next` would part words that belong together. */
export function glued(word: string, next: string | undefined): boolean {
  if (next === undefined) return false
  const lower = (x: string) => [x.toLowerCase(), x.toLocaleLowerCase('tr')]
  if (lower(word).some((w) => LEANS_ON_NEXT.has(w) || MODALS.has(w))) return true
  if (/[.!?…,;:]["'”’»)]*$/.test(word)) return false
  const nexts = lower(next.replace(/[.!?…,;:"'”’»)]+$/, ''))
  if (lower(word).some((w) => PHRASAL_VERBS.has(w)) && nexts.some((n) => PARTICLES.has(n))) return true
  return NUMBER.test(word) || nexts.some((n) => LEANS_ON_PREVIOUS.has(n) || ETMEK.test(n))
}

/**
 * Lay a cue's words out on at most `maxLines` lines of `maxLineChars`, as even as possible,
 * preferring a line break after a sentence end, then after other punctuation, and avoiding one
 * between words that belong together; null when they do not fit. `lead` characters (a speaker's
 * name and a space) come before the first line and count in its length.
 */
export function layoutLines(words: string[], rules: Pick<CueRules, 'maxLineChars' | 'maxLines'>, lead = 0): string[] | null {
  return layout(words, rules, lead)?.lines ?? (words.length === 1 ? [words.join(' ')] : null)
}

function layout(
  words: string[],
  rules: Pick<CueRules, 'maxLineChars' | 'maxLines'>,
  lead: number,
): { lines: string[]; lengths: number[]; penalty: number } | null {
  const text = words.join(' ')
  const inner = (line: string) => (line.slice(0, -1).match(/[.!?…]["'”’»)]* /g) ?? []).length
  if (lead + text.length <= rules.maxLineChars) return { lines: [text], lengths: [lead + text.length], penalty: 6 * inner(text) }
  if (rules.maxLines < 2) return null
  let best: { lines: string[]; lengths: number[]; penalty: number; score: number } | null = null
  for (let i = 1; i < words.length; i++) {
    const first = words.slice(0, i).join(' ')
    if (lead + first.length > rules.maxLineChars) break
    const rest = layout(words.slice(i), { ...rules, maxLines: rules.maxLines - 1 }, 0)
    if (!rest) continue
    const lengths = [lead + first.length, ...rest.lengths]
    const before = words[i - 1]!
    // a break at a sentence end is worth more than even lines; other punctuation somewhat less;
    // a line running on past a sentence end, or a break inside "üç kişi", costs
    let penalty = rest.penalty + 6 * inner(first)
    if (SENTENCE_END.test(before)) penalty -= 16
    else if (CLAUSE_END.test(before)) penalty -= 8
    if (glued(before, words[i])) penalty += 100
    const score = Math.max(...lengths) - Math.min(...lengths) + penalty
    if (!best || score < best.score) best = { lines: [first, ...rest.lines], lengths, penalty, score }
  }
  return best
}

/**
 * Where to end a cue that cannot take the next word: the best break inside `cue` (a sentence
 * end, else a comma, else before `next`, but not between words that belong together).
 */
function breakIndex(cue: Word[], next: Word): number {
  const third = Math.max(1, Math.floor(cue.length / 3))
  for (const pattern of [SENTENCE_END, CLAUSE_END]) {
    for (let i = cue.length - 1; i >= third; i--) if (pattern.test(cue[i]!.text)) return i + 1
  }
  let at = cue.length
  while (at > 1 && glued(cue[at - 1]!.text, (cue[at] ?? next).text)) at--
  return at > 1 || !glued(cue[0]!.text, (cue[1] ?? next).text) ? at : cue.length
}

export interface ShapeOptions {
  /** the name shown before a speaker's first cue ("Ayşe:"); it takes room on the first line */
  label?: (speaker: string) => string | null
}

/** Cut segments into subtitle cues shaped by `rules`. */
export function shapeCues(segments: CueSource[], partial: Partial<CueRules> = {}, opts: ShapeOptions = {}): Cue[] {
  const rules: CueRules = { ...defaultCueRules }
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (rules as unknown as Record<string, number>)[k] = v
  const gap = cueGapSec(rules.frameRate)
  const words = wordsOf(segments)
  const groups: Word[][] = []
  // the label a group gets: where the speaker differs from the previous group's
  const labelFor = (ws: Word[], before: Word[] | undefined) => {
    const sp = ws[0]!.speaker
    return sp && opts.label && before?.[0]!.speaker !== sp ? opts.label(sp) : null
  }
  const leadOf = (label: string | null) => (label ? label.length + 1 : 0)
  const fitsAfter = (ws: Word[], before: Word[] | undefined) =>
    ws.at(-1)!.end - ws[0]!.start <= rules.maxDurSec &&
    layout(
      ws.map((w) => w.text),
      rules,
      leadOf(labelFor(ws, before)),
    ) !== null
  const fits = (ws: Word[]) => fitsAfter(ws, groups.at(-1))
  let cue: Word[] = []
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
      const at = breakIndex(cue, w)
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

  // a cue too short to read joins a neighbour of the same speaker, when the two fit one cue
  const span = (g: Word[]) => g.at(-1)!.end - g[0]!.start
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!
    if (span(g) >= rules.minDurSec) continue
    const prev = groups[i - 1]
    const next = groups[i + 1]
    if (next && next[0]!.speaker === g[0]!.speaker && fitsAfter([...g, ...next], prev)) {
      groups.splice(i, 2, [...g, ...next])
      i--
    } else if (prev && prev[0]!.speaker === g[0]!.speaker && fitsAfter([...prev, ...g], groups[i - 2])) {
      groups.splice(i - 1, 2, [...prev, ...g])
      i -= 2
    }
  }

  const cues: Cue[] = groups.map((g, i) => {
    const label = labelFor(g, groups[i - 1])
    return {
      start: g[0]!.start,
      end: Math.max(g.at(-1)!.end, g[0]!.start),
      lines: layout(
        g.map((w) => w.text),
        rules,
        leadOf(label),
      )?.lines ?? [joined(g)],
      speaker: g[0]!.speaker,
      label,
      cps: 0,
      tooFast: false,
    }
  })
  // timing: use the room before the next cue for reading speed and the minimum duration; a cue
  // still too short starts earlier, into the gap before it, else the next cue starts later
  let floor = 0
  for (let i = 0; i < cues.length; i++) {
    const c = cues[i]!
    const next = cues[i + 1]
    let start = Math.max(c.start, floor)
    const room = next ? next.start - gap : Number.POSITIVE_INFINITY
    const chars = leadOf(c.label) + c.lines.join(' ').length
    const wanted = Math.min(rules.maxDurSec, Math.max(rules.minDurSec, chars / rules.maxCps))
    let end = Math.min(start + rules.maxDurSec, Math.max(Math.min(room, start + wanted), Math.min(c.end, room)))
    if (end - start < rules.minDurSec) {
      start = Math.max(floor, Math.min(start, end - rules.minDurSec))
      if (end - start < rules.minDurSec) end = start + rules.minDurSec
    }
    floor = end + gap
    const dur = end - start
    c.cps = Math.round((chars / dur) * 10) / 10
    c.tooFast = c.cps > rules.maxCps
    c.start = round3(start)
    c.end = round3(end)
  }
  return cues
}

const round3 = (x: number) => Math.round(x * 1000) / 1000
