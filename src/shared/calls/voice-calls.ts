import { z } from 'zod'
import { Segment, TranscriptMeta } from '../transcribe-types'

/** A voice in the voice library, as the Voices page lists it (its embedding never leaves the core). */
export const VoiceInfo = z.object({
  id: z.string(),
  name: z.string(),
  /** how many named speakers make it up */
  samples: z.number().int(),
  /** made by another speaker model than the one installed now: not compared until that model is back */
  otherModel: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type VoiceInfo = z.infer<typeof VoiceInfo>

export const VoiceList = z.object({
  voices: z.array(VoiceInfo),
  /** cosine similarity at or above which a speaker is taken for a known voice */
  threshold: z.number(),
  /** whether naming a speaker keeps its voice */
  remember: z.boolean(),
  /** the library file was damaged: kept aside under `copy`, and a new one started */
  damaged: z.object({ copy: z.string(), at: z.string() }).optional(),
})
export type VoiceList = z.infer<typeof VoiceList>

/** Who a transcript's speaker is in the voice library. */
export const TranscriptVoice = z.object({
  voiceId: z.string(),
  name: z.string(),
  /** the similarity it was recognised with; null when the user named it */
  score: z.number().nullable(),
  how: z.enum(['recognised', 'named']),
})
export type TranscriptVoice = z.infer<typeof TranscriptVoice>

const SpeakerView = z.object({ meta: TranscriptMeta, segments: z.array(Segment) })
const SpeakerId = z.string().min(1).max(40)
const VoiceId = z.string().min(1).max(80)

/** The voice library's calls, spread into `calls` in ../contract.ts. */
export const voiceCalls = {
  'voices.list': { input: z.object({}), output: VoiceList },
  'voices.settings': {
    input: z.object({ threshold: z.number().min(0.3).max(0.99).optional(), remember: z.boolean().optional() }),
    output: VoiceList,
  },
  'voices.rename': { input: z.object({ voiceId: VoiceId, name: z.string().trim().min(1).max(80) }), output: VoiceList },
  /** `from`'s samples join `into`; `from` is gone */
  'voices.merge': { input: z.object({ from: VoiceId, into: VoiceId }), output: VoiceList },
  /** matched no more; transcripts keep their names */
  'voices.forget': { input: z.object({ voiceId: VoiceId }), output: VoiceList },
  'voices.dismissDamaged': { input: z.object({}), output: VoiceList },
  'voices.export': { input: z.object({}), output: z.object({ fileName: z.string(), content: z.string() }) },
  'voices.import': {
    input: z.object({ content: z.string().min(1).max(50_000_000) }),
    output: z.object({ added: z.number().int(), merged: z.number().int(), skipped: z.number().int(), list: VoiceList }),
  },
  /** which known voices a transcript's speakers are; `heard`: the speakers with a voice to compare */
  'voices.ofTranscript': {
    input: z.object({ id: z.string() }),
    output: z.object({ speakers: z.record(z.string(), TranscriptVoice), heard: z.array(z.string()) }),
  },
  /** "this is <voice>": names the speaker so and adds its voice to that voice */
  'voices.confirm': { input: z.object({ id: z.string(), speaker: SpeakerId, voiceId: VoiceId }), output: SpeakerView },
  /** "not <voice>": back to "Speaker N", and not taken for that voice again */
  'voices.reject': { input: z.object({ id: z.string(), speaker: SpeakerId }), output: SpeakerView },
} as const
