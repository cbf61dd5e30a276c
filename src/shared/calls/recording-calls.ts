import { z } from 'zod'

/** The live recording's audio as it crosses every transport: 16-bit little-endian mono PCM at 16 kHz. */
export const RECORDING_SAMPLE_RATE = 16_000
/** One chunk holds at most 10 s of audio (320 000 bytes of PCM; the page sends about 0.25 s). */
export const MAX_CHUNK_BASE64 = Math.ceil((RECORDING_SAMPLE_RATE * 2 * 10) / 3) * 4

export const RecordingState = z.enum(['recording', 'paused', 'stopping', 'stopped', 'failed'])
export type RecordingState = z.infer<typeof RecordingState>

export const RecordingInfo = z.object({
  id: z.string(),
  state: RecordingState,
  startedAt: z.string(),
  /** seconds of audio received so far (paused time is not recorded) */
  durationSec: z.number(),
  language: z.string(),
  model: z.string(),
  deviceLabel: z.string(),
})
export type RecordingInfo = z.infer<typeof RecordingInfo>

/** A live text segment: times from the recording's start; `delaySec` from the speech's end to this text. */
export const LiveSegment = z.object({
  recordingId: z.string(),
  start: z.number(),
  end: z.number(),
  text: z.string(),
  delaySec: z.number(),
})
export type LiveSegment = z.infer<typeof LiveSegment>

/** A recording whose process ended (a crash, a kill) before it was stopped: finish or discard it. */
export const RecoverableRecording = z.object({
  id: z.string(),
  startedAt: z.string(),
  durationSec: z.number(),
  language: z.string(),
  model: z.string(),
})
export type RecoverableRecording = z.infer<typeof RecoverableRecording>

const Id = z.object({ id: z.string().uuid() })

/**
 * Contract calls and events of one feature, spread into `calls` and `events` in ../contract.ts
 * (one file per feature, so the features' contracts grow apart).
 */
export const recordingCalls = {
  'recording.start': {
    input: z.object({
      deviceLabel: z.string().max(300).default(''),
      language: z.string().min(2).max(8).optional(),
      model: z.string().min(1).optional(),
      /**
       * The page load that records (one id per load). When its session ends — the page is
       * reloaded or closed — the recording is offered for recovery at once.
       */
      page: z.string().min(1).max(64).optional(),
    }),
    output: RecordingInfo,
  },
  /** idempotent by `seq` (from 0): a resent chunk is ignored, one that arrives early waits for the gap */
  'recording.append': {
    input: z.object({
      id: z.string().uuid(),
      seq: z.number().int().nonnegative(),
      pcm: z
        .string()
        .max(MAX_CHUNK_BASE64)
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'pcm must be base64'),
    }),
    output: z.object({ received: z.number().int(), durationSec: z.number() }),
  },
  'recording.pause': { input: Id, output: RecordingInfo },
  'recording.resume': { input: Id, output: RecordingInfo },
  /** ends the recording: compressed audio and its transcript become a normal transcript */
  'recording.stop': { input: Id, output: z.object({ transcriptId: z.string(), durationSec: z.number() }) },
  'recording.discard': { input: Id, output: z.object({ discarded: z.boolean() }) },
  'recording.recoverable': { input: z.object({}), output: z.array(RecoverableRecording) },
  /** finish: the saved audio is compressed and transcribed as a regular job; discard: deleted */
  'recording.recover': {
    input: z.object({ id: z.string().uuid(), action: z.enum(['finish', 'discard']) }),
    output: z.object({ jobId: z.string().nullable() }),
  },
} as const

export const recordingEvents = {
  'recording.segment': LiveSegment,
  'recording.state': RecordingInfo,
  /** a live recording's page is gone (reloaded, closed, crashed): it can be recovered now */
  'recording.abandoned': z.object({ id: z.string() }),
} as const
