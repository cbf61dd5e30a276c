/**
 * From speech regions to the audio whisper gets, and back: pure functions, no I/O.
 *
 * The speech pieces of a window are packed back to back into one audio file ("packed time") and
 * transcribed in one request. One request instead of one per piece because whisper pays a whole
 * 30 s encoder pass per request however short the audio, and because whisper keeps its sentence
 * context across the joins. Each piece remembers where it came from, so a segment's times on the
 * packed audio map back to the original file's timeline.
 */

/** Seconds, start inclusive, end exclusive. */
export interface TimeRange {
  start: number
  end: number
}

/**
 * Pad every region by `paddingSec` on both sides (speech starts and ends softly: a VAD cuts
 * weak consonants), clamp to the audio, and merge regions that now touch or overlap.
 */
export function padRegions(regions: readonly TimeRange[], paddingSec: number, totalSec: number): TimeRange[] {
  const out: TimeRange[] = []
  for (const r of [...regions].sort((a, b) => a.start - b.start)) {
    const start = Math.max(0, r.start - paddingSec)
    const end = Math.min(totalSec, r.end + paddingSec)
    if (end <= start) continue
    const last = out.at(-1)
    if (last && start <= last.end) last.end = Math.max(last.end, end)
    else out.push({ start, end })
  }
  return out
}

export interface PiecePlanOptions {
  /**
   * Regions closer than this are one piece, the pause between them kept: a speaker's pause
   * inside a sentence or between sentences stays, so whisper hears natural speech and its
   * timing stays linear there. Longer silences are cut out. 2 s is faster-whisper's default
   * minimum silence for the same job.
   */
  mergeGapSec: number
  /** A merge never makes a piece longer than this; a single longer region stays whole. */
  maxPieceSec: number
}

export const DEFAULT_PIECE_PLAN: PiecePlanOptions = { mergeGapSec: 2, maxPieceSec: 30 }

/**
 * The audio to send: regions merged across short gaps (see PiecePlanOptions), in order.
 * Rule: a region joins the piece before it when the gap between them is shorter than
 * `mergeGapSec` and the merged piece would be at most `maxPieceSec` long.
 */
export function planSpeechPieces(regions: readonly TimeRange[], opts: Partial<PiecePlanOptions> = {}): TimeRange[] {
  const { mergeGapSec, maxPieceSec } = { ...DEFAULT_PIECE_PLAN, ...opts }
  const out: TimeRange[] = []
  for (const r of [...regions].sort((a, b) => a.start - b.start)) {
    if (r.end <= r.start) continue
    const last = out.at(-1)
    if (last && r.start - last.end < mergeGapSec && Math.max(last.end, r.end) - last.start <= maxPieceSec)
      last.end = Math.max(last.end, r.end)
    else out.push({ start: r.start, end: r.end })
  }
  return out
}

/** A piece of the source audio and where it sits in the packed audio (seconds). */
export interface PackedPiece {
  sourceStart: number
  sourceEnd: number
  packedStart: number
}

export interface PackedLayout {
  pieces: PackedPiece[]
  /** the packed audio's length, trailing silence included */
  packedSec: number
  /** seconds of source audio in the pieces */
  speechSec: number
}

export interface PackOptions {
  sampleRate: number
  /** silence between two pieces in the packed audio */
  joinSec?: number
  /**
   * The packed audio is padded with silence to at least this long: whisper.cpp transcribes
   * nothing from less than 1 s of audio, and a lone "yes" is shorter.
   */
  minPackedSec?: number
}

/**
 * Lay the pieces out back to back. Positions are whole samples, so the file written from the
 * layout and the times mapped back through it agree to the sample however many pieces there are.
 */
export function packPieces(pieces: readonly TimeRange[], opts: PackOptions): PackedLayout {
  const sr = opts.sampleRate
  const join = Math.round((opts.joinSec ?? 0) * sr)
  const out: PackedPiece[] = []
  let at = 0
  let speech = 0
  for (const p of pieces) {
    const s0 = Math.round(p.start * sr)
    const s1 = Math.round(p.end * sr)
    if (s1 <= s0) continue
    if (out.length > 0) at += join
    out.push({ sourceStart: s0 / sr, sourceEnd: s1 / sr, packedStart: at / sr })
    at += s1 - s0
    speech += s1 - s0
  }
  const minSamples = out.length > 0 ? Math.round((opts.minPackedSec ?? 1) * sr) : 0
  return { pieces: out, packedSec: Math.max(at, minSamples) / sr, speechSec: speech / sr }
}

const packedEnd = (p: PackedPiece) => p.packedStart + (p.sourceEnd - p.sourceStart)

/**
 * A segment's times on the packed audio, mapped to the source's timeline. A start that falls
 * between pieces (in a join's silence) belongs to the speech that follows; an end there, to the
 * speech before; times past the last piece clamp to its end. A segment spanning a join keeps its
 * start in one piece and its end in a later one: the text holds words from both.
 */
export function mapBack(layout: PackedLayout, segment: TimeRange): TimeRange {
  const { pieces } = layout
  const first = pieces[0]
  const last = pieces.at(-1)
  if (!first || !last) throw new Error('mapBack needs at least one piece')
  const mapStart = (t: number) => {
    const p = pieces.find((q) => t < packedEnd(q))
    if (!p) return last.sourceEnd
    return t <= p.packedStart ? p.sourceStart : p.sourceStart + (t - p.packedStart)
  }
  const mapEnd = (t: number) => {
    const p = pieces.findLast((q) => t > q.packedStart)
    if (!p) return first.sourceStart
    return t >= packedEnd(p) ? p.sourceEnd : p.sourceStart + (t - p.packedStart)
  }
  const start = mapStart(segment.start)
  return { start, end: Math.max(start, mapEnd(segment.end)) }
}
