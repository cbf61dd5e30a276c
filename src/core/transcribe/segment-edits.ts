import { keyedError } from '../../shared/errors'
import { replaceAllIn, type FindOptions } from '../../shared/find-replace'
import type { Segment, Word } from '../../shared/transcribe-types'

// Pure edits of a transcript's segments, applied by TranscriptStore inside one `change`. Ids are
// renumbered in order after every edit that adds or removes a segment. Word timing is kept where
// the word still fits the segment's times; a word that no longer does is pulled to its edge.

const ms = (t: number) => Math.round(t * 1000) / 1000

function indexOf(segments: Segment[], segmentId: number): number {
  const i = segments.findIndex((s) => s.id === segmentId)
  if (i < 0)
    throw keyedError(
      'not-found',
      'segment-not-found',
      { segment: segmentId + 1 },
      `No segment ${segmentId + 1} in this transcript`,
    )
  return i
}

const renumber = (segments: Segment[]) => segments.map((s, k) => ({ ...s, id: k }))

/** Words inside `start`..`end` as they are; any outside pulled to the nearer edge. */
function fitWords(words: Word[] | undefined, start: number, end: number): Word[] | undefined {
  if (!words) return undefined
  const clamp = (t: number) => Math.min(end, Math.max(start, t))
  return words.map((w) => (w.start >= start && w.end <= end ? w : { ...w, start: clamp(w.start), end: clamp(w.end) }))
}

/** Word timing that still describes the text: the words, joined, read as the segment does. */
function wordsMatch(s: Segment): s is Segment & { words: Word[] } {
  return !!s.words?.length && s.words.map((w) => w.text.trim()).join(' ') === s.text.trim().split(/\s+/).join(' ')
}

/**
 * One segment as two at `at` seconds (inside it). With word timing, the words before `at` go to
 * the first part and keep their times; without, the text is cut at the space nearest the same
 * share of its length.
 */
export function splitSegment(segments: Segment[], segmentId: number, at?: number): Segment[] {
  const i = indexOf(segments, segmentId)
  const s = segments[i]!
  const cut = ms(at ?? (s.start + s.end) / 2)
  if (!(cut > s.start && cut < s.end))
    throw keyedError(
      'invalid-input',
      'split-outside',
      { start: s.start, end: s.end },
      `Split inside the segment: between ${s.start} s and ${s.end} s`,
    )
  let left: Segment
  let right: Segment
  if (wordsMatch(s)) {
    // a word belongs to the part its middle is in
    const k = s.words.findIndex((w) => (w.start + w.end) / 2 >= cut)
    const n = k < 0 ? s.words.length : k
    const a = s.words.slice(0, n)
    const b = s.words.slice(n)
    left = { ...s, end: cut, text: a.map((w) => w.text.trim()).join(' '), words: fitWords(a, s.start, cut) }
    right = { ...s, start: cut, text: b.map((w) => w.text.trim()).join(' '), words: fitWords(b, cut, s.end) }
  } else {
    const text = s.text.trim()
    const share = Math.round(((cut - s.start) / (s.end - s.start)) * text.length)
    const spaces = [...text.matchAll(/\s+/g)].map((m) => m.index)
    const space = spaces.length
      ? spaces.reduce((best, p) => (Math.abs(p - share) < Math.abs(best - share) ? p : best))
      : text.length
    const { words: _w, ...plain } = s
    left = { ...plain, end: cut, text: text.slice(0, space).trim() }
    right = { ...plain, start: cut, text: text.slice(space).trim() }
  }
  return renumber([...segments.slice(0, i), left, right, ...segments.slice(i + 1)])
}

/** A segment and the one after it as one: the first one's speaker, both texts, both words' timing. */
export function mergeWithNext(segments: Segment[], segmentId: number): Segment[] {
  const i = indexOf(segments, segmentId)
  const a = segments[i]!
  const b = segments[i + 1]
  if (!b)
    throw keyedError(
      'invalid-input',
      'merge-last',
      { segment: segmentId + 1 },
      `Segment ${segmentId + 1} is the last one: there is none after it to merge with`,
    )
  const { words: _w, ...plain } = a
  const merged: Segment = {
    ...plain,
    start: Math.min(a.start, b.start),
    end: Math.max(a.end, b.end),
    text: [a.text.trim(), b.text.trim()].filter(Boolean).join(' '),
    // timing for every word, or for none: half the words timed would not describe the text
    ...(wordsMatch(a) && wordsMatch(b) ? { words: [...a.words, ...b.words] } : {}),
  }
  return renumber([...segments.slice(0, i), merged, ...segments.slice(i + 2)])
}

export function deleteSegment(segments: Segment[], segmentId: number): Segment[] {
  const i = indexOf(segments, segmentId)
  return renumber([...segments.slice(0, i), ...segments.slice(i + 1)])
}

/**
 * New start and end for a segment. It stays in order among its neighbours (it may not start
 * before the one before it starts, nor after the next one starts) and inside the file.
 */
export function setTimes(segments: Segment[], segmentId: number, start: number, end: number, durationSec: number): Segment[] {
  const i = indexOf(segments, segmentId)
  const s = segments[i]!
  const a = ms(start)
  const b = ms(end)
  if (!(a >= 0 && b > a))
    throw keyedError('invalid-input', 'segment-times', {}, 'A segment must start before it ends, at 0 s or later')
  if (durationSec > 0 && b > durationSec + 0.001)
    throw keyedError(
      'invalid-input',
      'segment-after-end',
      { duration: durationSec },
      `A segment cannot end after the file does (${durationSec} s)`,
    )
  const prev = segments[i - 1]
  const next = segments[i + 1]
  if ((prev && a < prev.start) || (next && a > next.start))
    throw keyedError(
      'invalid-input',
      'segment-order',
      {},
      'A segment stays in order: it starts after the one before it starts and before the next one starts',
    )
  const moved: Segment = { ...s, start: a, end: b, ...(s.words ? { words: fitWords(s.words, a, b) } : {}) }
  return segments.map((x, k) => (k === i ? moved : x))
}

/**
 * Every match replaced across the transcript. A segment whose words stay as many keeps their
 * timing with the new spelling (a name corrected); otherwise its word timing no longer describes it.
 */
export function replaceAcross(
  segments: Segment[],
  find: string,
  replacement: string,
  opts: FindOptions,
): { segments: Segment[]; count: number } {
  let count = 0
  const next = segments.map((s) => {
    const r = replaceAllIn(s.text, find, replacement, opts)
    if (r.count === 0) return s
    count += r.count
    const { words, ...plain } = s
    const tokens = r.text.trim().split(/\s+/)
    if (words && wordsMatch(s) && tokens.length === words.length)
      return { ...plain, text: r.text, words: words.map((w, k) => ({ ...w, text: tokens[k]! })) }
    return { ...plain, text: r.text }
  })
  return { segments: next, count }
}
