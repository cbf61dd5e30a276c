import type { Segment, Word } from '../../shared/transcribe-types'
import type { SpeakerTurn } from './speaker-turns'

/** How long `[a0, a1]` and `[b0, b1]` share, in seconds (0 when apart). */
function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0))
}

/** The turn's speaker that shares most time with `[start, end]`; null when no turn touches it. */
function speakerOf(turns: readonly SpeakerTurn[], start: number, end: number): number | null {
  const shared = new Map<number, number>()
  for (const t of turns) {
    if (t.start >= end) break // turns are sorted by start
    const o = overlap(start, Math.max(end, start + 0.001), t.start, t.end)
    if (o > 0) shared.set(t.speaker, (shared.get(t.speaker) ?? 0) + o)
  }
  let best: number | null = null
  let most = 0
  for (const [speaker, o] of shared) {
    if (o > most) [best, most] = [speaker, o]
  }
  return best
}

/** A new piece starts only where the speaker changes for at least this many words. */
const MIN_WORDS_PER_PIECE = 2

/**
 * Label every segment with the speaker whose turns share most of its time, and split a segment
 * where the speaker changes mid-way (by its word timing; a segment without words keeps one
 * speaker). Speakers are named S1, S2, … in the order they first speak. A segment no turn touches
 * takes the speaker before it. Ids are renumbered in order. `names` is filled with each cluster
 * number's speaker id (so a cluster's voice can be told by its id).
 */
export function assignSpeakers(
  segments: readonly Segment[],
  turns: readonly SpeakerTurn[],
  names = new Map<number, string>(),
): Segment[] {
  const sorted = [...turns].sort((a, b) => a.start - b.start)
  const pieces: { seg: Segment; speaker: number | null }[] = []
  for (const seg of segments) {
    const words = seg.words ?? []
    if (words.length < 2 * MIN_WORDS_PER_PIECE) {
      pieces.push({ seg, speaker: speakerOf(sorted, seg.start, seg.end) })
      continue
    }
    const labels = words.map((w) => speakerOf(sorted, w.start, w.end))
    // a word no turn touches belongs with the word before it (or after it, at the start)
    for (let i = 0; i < labels.length; i++) labels[i] ??= labels[i - 1] ?? null
    for (let i = labels.length - 2; i >= 0; i--) labels[i] ??= labels[i + 1] ?? null
    for (const run of runsOf(words, labels)) {
      pieces.push({
        seg:
          run.words.length === words.length
            ? seg
            : {
                ...seg,
                start: run.words[0]!.start,
                end: run.words.at(-1)!.end,
                text: run.words.map((w) => w.text).join(' '),
                words: run.words,
              },
        speaker: run.speaker,
      })
    }
  }
  let previous: string | undefined
  return pieces.map(({ seg, speaker }, id) => {
    let label = previous
    if (speaker !== null) {
      if (!names.has(speaker)) names.set(speaker, `S${names.size + 1}`)
      label = names.get(speaker)
    }
    previous = label
    const out: Segment = { ...seg, id }
    if (label) out.speaker = label
    else delete out.speaker
    return out
  })
}

/** Consecutive words of one speaker; a run shorter than MIN_WORDS_PER_PIECE joins the run before it. */
function runsOf(words: readonly Word[], labels: readonly (number | null)[]): { words: Word[]; speaker: number | null }[] {
  const runs: { words: Word[]; speaker: number | null }[] = []
  words.forEach((w, i) => {
    const last = runs.at(-1)
    if (last && last.speaker === labels[i]) last.words.push(w)
    else runs.push({ words: [w], speaker: labels[i]! })
  })
  const merged: typeof runs = []
  for (const run of runs) {
    const last = merged.at(-1)
    if (last && (run.words.length < MIN_WORDS_PER_PIECE || last.words.length < MIN_WORDS_PER_PIECE)) {
      // too short to be a turn of its own: the longer side decides who says it
      if (run.words.length > last.words.length) last.speaker = run.speaker
      last.words.push(...run.words)
    } else merged.push({ words: [...run.words], speaker: run.speaker })
  }
  return merged
}

/** "Speaker 1" / "Konuşmacı 1": the names a fresh detection gives, in the transcript's language. */
export function defaultSpeakerNames(segments: readonly Segment[], language: string): Record<string, string> {
  const word = language.toLowerCase().startsWith('tr') ? 'Konuşmacı' : 'Speaker'
  const names: Record<string, string> = {}
  for (const s of segments) if (s.speaker && !names[s.speaker]) names[s.speaker] = `${word} ${s.speaker.slice(1)}`
  return names
}
