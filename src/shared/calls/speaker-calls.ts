import { z } from 'zod'
import { Segment, TranscriptMeta } from '../transcribe-types'

/** One of the two ONNX models speaker detection needs, as the Models page shows it. */
export const SpeakerModelInfo = z.object({
  role: z.enum(['segmentation', 'embedding']),
  /** what it is, e.g. "pyannote segmentation-3.0" */
  title: z.string(),
  /** the language of the speech it was trained on, where that limits it (a language code); null: any */
  trainedOn: z.string().nullable(),
  license: z.string(),
  sizeMiB: z.number(),
  url: z.string(),
  /** where the app looks for it */
  path: z.string(),
  installed: z.boolean(),
})
export type SpeakerModelInfo = z.infer<typeof SpeakerModelInfo>

/** A transcript after a change of its speakers: what the editor shows again. */
const SpeakerView = z.object({ meta: TranscriptMeta, segments: z.array(Segment) })

const SpeakerId = z.string().min(1).max(40)

/**
 * Contract calls and events of one feature, spread into `calls` and `events` in ../contract.ts
 * (one file per feature, so the features' contracts grow apart).
 */
export const speakerCalls = {
  'speakers.models': { input: z.object({}), output: z.array(SpeakerModelInfo) },
  'speakers.downloadModels': { input: z.object({}), output: z.array(SpeakerModelInfo) },
  /** label who speaks when; a model missing or no speaker found keeps the plain transcript and says why */
  'speakers.detect': {
    input: z.object({ id: z.string(), speakers: z.union([z.literal('auto'), z.number().int().min(1).max(20)]).default('auto') }),
    output: SpeakerView,
  },
  /** stop a detection under way: the transcript stays as it was */
  'speakers.cancel': { input: z.object({ id: z.string() }), output: z.object({ cancelled: z.boolean() }) },
  'speakers.rename': {
    input: z.object({ id: z.string(), speaker: SpeakerId, name: z.string().trim().min(1).max(80) }),
    output: SpeakerView,
  },
  /** every segment of `from` becomes `into`'s */
  'speakers.merge': { input: z.object({ id: z.string(), from: SpeakerId, into: SpeakerId }), output: SpeakerView },
  /** one segment to another speaker (an existing one, or a new one with `speaker` unknown so far) */
  'speakers.assign': {
    input: z.object({ id: z.string(), segmentId: z.number().int().nonnegative(), speaker: SpeakerId }),
    output: SpeakerView,
  },
} as const

export const speakerEvents = {
  'speakers.progress': z.object({ id: z.string(), phase: z.enum(['audio', 'speakers', 'done']) }),
} as const
