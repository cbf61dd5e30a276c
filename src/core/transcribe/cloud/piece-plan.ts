/**
 * Where a long file is cut into upload pieces, and how the pieces' transcripts are joined back:
 * pure functions, no I/O.
 *
 * A cut inside a silence needs nothing more: no word is split. Where no silence is known (no VAD
 * ran, or a speaker talks longer than a piece without a pause) pieces overlap by a few seconds,
 * so a word cut at one piece's end is heard whole at the next one's start; the join then keeps
 * each side's segments up to the middle of the overlap and drops words repeated across it.
 */

/** Seconds from the audio's start; the same shape as the VAD's regions (src/core/vad). */
export interface SpeechRegion {
  start: number
  end: number
}

export interface Piece {
  index: number
  /** seconds in the decoded audio, end exclusive */
  start: number
  end: number
  /** seconds shared with the piece before (0: cut in a silence, or the first piece) */
  overlapBefore: number
}

export interface PlanOptions {
  /** the longest piece whose encoded size is surely under the upload limit */
  maxPieceSec: number
  /** overlap at a cut that is not in a known silence */
  overlapSec: number
  /** where speech is, if a VAD ran; cuts are then placed in the silences between regions */
  speechRegions?: readonly SpeechRegion[]
}

/**
 * Rule: a piece is as long as allowed; when speech regions are known, it ends instead in the
 * middle of the latest silence that lets it be at least half as long (the silence's middle, so
 * the speech on both sides keeps its soft edges). Otherwise the next piece starts `overlapSec`
 * before this one ends.
 */
export function planPieces(totalSec: number, opts: PlanOptions): Piece[] {
  const { maxPieceSec, overlapSec } = opts
  if (!(maxPieceSec > overlapSec * 2))
    throw new Error(`a piece (${maxPieceSec} s) must be longer than twice the overlap (${overlapSec} s)`)
  const gaps = opts.speechRegions ? silences(opts.speechRegions, totalSec) : null
  const pieces: Piece[] = []
  let start = 0
  let overlapBefore = 0
  while (start < totalSec || pieces.length === 0) {
    const limit = start + maxPieceSec
    if (limit >= totalSec) {
      pieces.push({ index: pieces.length, start, end: totalSec, overlapBefore })
      break
    }
    const cut = gaps ? cutInSilence(gaps, start + maxPieceSec / 2, limit) : null
    if (cut !== null) {
      pieces.push({ index: pieces.length, start, end: cut, overlapBefore })
      start = cut
      overlapBefore = 0
    } else {
      pieces.push({ index: pieces.length, start, end: limit, overlapBefore })
      start = limit - overlapSec
      overlapBefore = overlapSec
    }
  }
  return pieces
}

function silences(regions: readonly SpeechRegion[], totalSec: number): SpeechRegion[] {
  const sorted = [...regions].filter((r) => r.end > r.start).sort((a, b) => a.start - b.start)
  const out: SpeechRegion[] = []
  let at = 0
  for (const r of sorted) {
    if (r.start > at) out.push({ start: at, end: Math.min(r.start, totalSec) })
    at = Math.max(at, r.end)
  }
  if (at < totalSec) out.push({ start: at, end: totalSec })
  return out
}

/** The latest point in [lo, hi] that lies in a silence, preferring each silence's middle. */
function cutInSilence(gaps: readonly SpeechRegion[], lo: number, hi: number): number | null {
  let best: number | null = null
  for (const g of gaps) {
    const a = Math.max(g.start, lo)
    const b = Math.min(g.end, hi)
    if (b <= a) continue
    const mid = (g.start + g.end) / 2
    const point = Math.min(b, Math.max(a, mid))
    if (best === null || point > best) best = point
  }
  return best
}

export interface Word {
  word: string
  start: number
  end: number
}

export interface CloudSegment {
  id: number
  /** seconds on the file's timeline */
  start: number
  end: number
  text: string
  /** present when the provider returned word timestamps */
  words?: Word[]
}

/** One piece's answer, times relative to the piece's start, as the provider returned them. */
export interface PieceTranscript {
  piece: Piece
  segments: { start: number; end: number; text: string }[]
  words?: Word[]
}

interface Draft {
  start: number
  end: number
  text: string
  words?: Word[]
}

/**
 * Join the pieces' transcripts into one, on the file's timeline (`offsetSec`: where the audio
 * starts in the file). Times are shifted by each piece's start and clamped to it; at an overlap
 * each side keeps the segments whose middle lies on its side of the overlap's middle, and words
 * the next piece repeats from the previous one's end are dropped. Times never go backwards.
 */
export function joinPieces(results: readonly PieceTranscript[], offsetSec = 0): CloudSegment[] {
  const out: Draft[] = []
  let prevFirstOut = 0
  for (const r of [...results].sort((a, b) => a.piece.index - b.piece.index)) {
    const { piece } = r
    const length = piece.end - piece.start
    // a segment wholly past the piece's audio (encoder padding, a confused model) is nothing heard
    let drafts = attachWords(r.segments, r.words ?? null)
      .filter((s) => s.start < length)
      .map((s) => shift(s, piece))
    drafts = drafts.filter((d) => d.text.length > 0)
    if (piece.overlapBefore > 0) {
      const seam = piece.start + piece.overlapBefore / 2
      // the previous piece's segments past the seam are this piece's to tell
      for (let i = out.length - 1; i >= prevFirstOut; i--) if (mid(out[i]!) >= seam) out.splice(i, 1)
      drafts = drafts.filter((d) => mid(d) >= seam)
      const first = drafts[0]
      const last = out.at(-1)
      if (first && last) {
        const trimmed = dropRepeatedWords(last, first)
        if (trimmed) drafts[0] = trimmed
        else drafts.shift()
      }
    }
    prevFirstOut = out.length
    // one by one: spreading a piece of hundreds of thousands of segments would overflow the stack
    for (const d of drafts) out.push(d)
  }
  const segments: CloudSegment[] = []
  let prevEnd = 0
  for (const d of out) {
    const start = Math.max(prevEnd, d.start)
    const end = Math.max(start, d.end)
    prevEnd = end
    const seg: CloudSegment = {
      id: segments.length,
      start: round3(offsetSec + start),
      end: round3(offsetSec + end),
      text: d.text,
    }
    if (d.words) {
      // words stay inside their segment, which may have been moved past the one before it
      seg.words = d.words.map((w) => {
        const ws = Math.min(end, Math.max(start, w.start))
        return { word: w.word, start: round3(offsetSec + ws), end: round3(offsetSec + Math.min(end, Math.max(ws, w.end))) }
      })
    }
    segments.push(seg)
  }
  return segments
}

const mid = (d: { start: number; end: number }) => (d.start + d.end) / 2
const round3 = (x: number) => Math.round(x * 1000) / 1000

function shift(s: Draft, piece: Piece): Draft {
  const clamp = (t: number) => Math.min(piece.end, Math.max(piece.start, piece.start + t))
  const d: Draft = { start: clamp(s.start), end: clamp(s.end), text: s.text.trim() }
  if (s.words) d.words = s.words.map((w) => ({ word: w.word, start: clamp(w.start), end: clamp(w.end) }))
  return d
}

/** verbose_json lists words beside the segments: each word goes to the segment it starts in. */
function attachWords(segments: PieceTranscript['segments'], words: readonly Word[] | null): Draft[] {
  const drafts: Draft[] = segments.map((s) => ({ start: s.start, end: s.end, text: s.text }))
  if (!words || words.length === 0 || drafts.length === 0) return drafts
  for (const d of drafts) d.words = []
  let i = 0
  for (const w of [...words].sort((a, b) => a.start - b.start)) {
    while (i + 1 < drafts.length && w.start >= drafts[i + 1]!.start) i++
    drafts[i]!.words!.push({ word: w.word.trim(), start: w.start, end: w.end })
  }
  return drafts
}

const norm = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')

/**
 * `next` without the words at its start that repeat the end of `prev` (both sides heard the
 * overlap), or null when nothing of it is left. Two or more repeated words are a repeat; a single
 * one only when the two segments overlap in time, since "that that" can be real speech.
 */
function dropRepeatedWords(prev: Draft, next: Draft): Draft | null {
  const a = prev.text.split(/\s+/).filter(Boolean)
  const b = next.text.split(/\s+/).filter(Boolean)
  const max = Math.min(8, a.length, b.length)
  let k = 0
  for (let n = max; n >= 1; n--) {
    const tail = a.slice(-n).map(norm)
    const head = b.slice(0, n).map(norm)
    if (tail.every((w, i) => w !== '' && w === head[i])) {
      k = n
      break
    }
  }
  if (k === 0 || (k === 1 && next.start >= prev.end)) return next
  const rest = b.slice(k)
  if (rest.length === 0) return null
  const out: Draft = { ...next, text: rest.join(' ') }
  if (next.words && next.words.length === b.length) {
    out.words = next.words.slice(next.words.length - rest.length)
    out.start = Math.max(next.start, out.words[0]?.start ?? next.start)
  }
  return out
}
