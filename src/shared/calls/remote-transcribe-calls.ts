import { z } from 'zod'

/** What a file costs before it starts: its probed audio length and the credits a model charges. */
export const TranscribeEstimate = z.object({
  durationSec: z.number().nonnegative(),
  /** started minutes, the unit a transcription row's price is per */
  minutes: z.number().int().nonnegative(),
  credits: z.number().int().nonnegative(),
})
export type TranscribeEstimate = z.infer<typeof TranscribeEstimate>

/**
 * Contract calls and events of one feature, spread into `calls` and `events` in ../contract.ts
 * (one file per feature, so the features' contracts grow apart).
 */
export const remoteTranscribeCalls = {
  'transcribe.estimate': {
    input: z.object({ file: z.string().min(1), model: z.string().min(1) }),
    output: TranscribeEstimate,
  },
} as const

export const remoteTranscribeEvents = {} as const
