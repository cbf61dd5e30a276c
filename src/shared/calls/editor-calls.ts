import { z } from 'zod'
import { Preset } from '../enhance-types'
import { ProviderId } from '../catalog-types'
import { Job, Segment, TranscriptMeta } from '../transcribe-types'

/** One version of a transcript's text: as transcribed (and edited), or an enhancement of it. */
export const TranscriptVersion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('original'), at: z.string(), model: z.string() }),
  z.object({
    kind: z.literal('enhancement'),
    /** the enhancement's id: its text comes from enhance.output */
    id: z.string(),
    at: z.string(),
    preset: Preset,
    provider: ProviderId,
    modelId: z.string(),
    displayName: z.string(),
    credits: z.number().int(),
    preview: z.string(),
  }),
])
export type TranscriptVersion = z.infer<typeof TranscriptVersion>

/** A transcript after an edit: what the editor shows again. */
const EditedView = z.object({ meta: TranscriptMeta, segments: z.array(Segment) })
const Ref = { id: z.string(), segmentId: z.number().int().nonnegative() }

/**
 * Contract calls of the transcript editor (segment tools, find and replace, the waveform, the
 * versions an enhancement left), spread into `calls` in ../contract.ts.
 */
export const editorCalls = {
  /** the transcript's file queued again as a new job, with its model and word list; `vad: false` hears every part */
  'transcripts.transcribeAgain': {
    input: z.object({ id: z.string(), vad: z.boolean().optional() }),
    output: Job,
  },
  /** one segment as two at `at` seconds (absent: its middle); words before it keep their timing in the first */
  'transcripts.split': {
    input: z.object({ ...Ref, at: z.number().nonnegative().optional() }),
    output: EditedView,
  },
  /** a segment and the next one as one */
  'transcripts.merge': { input: z.object(Ref), output: EditedView },
  'transcripts.deleteSegment': { input: z.object(Ref), output: EditedView },
  /** a segment's start and end moved (seconds on the file's timeline) */
  'transcripts.setTimes': {
    input: z.object({ ...Ref, start: z.number().nonnegative(), end: z.number().nonnegative() }),
    output: EditedView,
  },
  /** every match across the transcript replaced; Turkish transcripts fold I/ı and İ/i as Turkish does */
  'transcripts.replaceAll': {
    input: z.object({
      id: z.string(),
      find: z.string().min(1).max(500),
      replace: z.string().max(500),
      wholeWord: z.boolean().default(false),
      matchCase: z.boolean().default(false),
    }),
    output: EditedView.extend({ replaced: z.number().int().nonnegative() }),
  },
  /** the word list (initial prompt) whisper gets when this transcript's audio is transcribed again */
  'transcripts.setPrompt': {
    input: z.object({ id: z.string(), prompt: z.string().max(2000) }),
    output: TranscriptMeta,
  },
  /** the audio's loudness for the editor's waveform strip: `perSec` peaks a second, each 0..1 */
  'transcripts.peaks': {
    input: z.object({ id: z.string() }),
    output: z.object({ perSec: z.number().positive(), peaks: z.array(z.number().min(0).max(1)) }),
  },
  /** the original, then each finished enhancement of this transcript, oldest first */
  'transcripts.versions': { input: z.object({ id: z.string() }), output: z.array(TranscriptVersion) },
} as const

export const editorEvents = {} as const
