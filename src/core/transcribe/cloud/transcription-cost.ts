/**
 * What a cloud transcription costs, in credits: the one place the formula lives.
 *
 *   credits = ⌈ startedMinutes × multiplierTenths ÷ 10 ⌉,   startedMinutes = ⌈ durationMs ÷ 60 000 ⌉
 *
 * A transcription row's multiplier is its price in credits per started minute of audio (1.0x →
 * 1 credit a minute), so the same "×" a user reads on an enhancement row reads the same way here,
 * and a pricing update that changes the multiplier changes this price with no other edit. A part
 * of a minute is a started minute (as providers bill), and a fraction of a credit is rounded up,
 * so a paid model never runs for free however short the file. Everything is integers: the
 * duration is rounded to whole milliseconds first, so 1800.0000001 s from a float parse is not a
 * 31st minute but 1800.001 s is.
 */

/** Credits one minute of audio costs at 1.0x. */
export const TRANSCRIPTION_CREDITS_PER_MINUTE_AT_1X = 1

/** Minutes of audio, any started minute counted whole; 0 s → 0. */
export function startedMinutes(durationSec: number): number {
  if (!Number.isFinite(durationSec) || durationSec < 0) throw new Error(`an audio duration must be ≥ 0 s, got ${durationSec}`)
  const ms = Math.round(durationSec * 1000)
  return Math.floor((ms + 59_999) / 60_000)
}

/** Credits for one file of `durationSec` (the probed duration) on a row with this multiplier. */
export function transcriptionCredits(durationSec: number, multiplierTenths: number): number {
  if (!Number.isInteger(multiplierTenths) || multiplierTenths < 0)
    throw new Error(`multiplier tenths must be a whole number ≥ 0, got ${multiplierTenths}`)
  const tenths = startedMinutes(durationSec) * multiplierTenths * TRANSCRIPTION_CREDITS_PER_MINUTE_AT_1X
  return Math.floor((tenths + 9) / 10)
}

/** The same, from a catalog row; refuses a chat row so an enhancement price is never used for audio. */
export function transcriptionCreditsForRow(
  row: { kind: string; multiplierTenths: number; provider: string; modelId: string },
  durationSec: number,
): number {
  if (row.kind !== 'transcription') throw new Error(`${row.provider}/${row.modelId} is not a transcription model`)
  return transcriptionCredits(durationSec, row.multiplierTenths)
}
