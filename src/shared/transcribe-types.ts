import { z } from 'zod'

export const Segment = z.object({
  id: z.number().int(),
  /** seconds from the start of the media file */
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  text: z.string(),
})
export type Segment = z.infer<typeof Segment>

export const TranscribeOptions = z.object({
  /** a model name from the model manager (e.g. "base") or a path to a ggml .bin */
  model: z.string().min(1),
  /** "auto" or a whisper language code */
  language: z.string().min(2).max(8).default('auto'),
  translate: z.boolean().default(false),
  prompt: z.string().max(2000).default(''),
  threads: z.number().int().min(1).max(64).optional(),
  beamSize: z.number().int().min(1).max(16).optional(),
})
export type TranscribeOptions = z.infer<typeof TranscribeOptions>

export const JobStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'])
export type JobStatus = z.infer<typeof JobStatus>

export const Job = z.object({
  id: z.string(),
  file: z.string(),
  fileName: z.string(),
  status: JobStatus,
  /** 0..1 */
  progress: z.number().min(0).max(1),
  etaSec: z.number().nullable(),
  /** processing time / audio time; below 1 is faster than real time */
  realtimeFactor: z.number().nullable(),
  durationSec: z.number().nullable(),
  options: TranscribeOptions,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  transcriptId: z.string().nullable(),
})
export type Job = z.infer<typeof Job>

export const TranscriptMeta = z.object({
  id: z.string(),
  jobId: z.string(),
  fileName: z.string(),
  mediaPath: z.string(),
  hasVideo: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  durationSec: z.number(),
  language: z.string(),
  model: z.string(),
  segmentCount: z.number().int(),
  preview: z.string(),
})
export type TranscriptMeta = z.infer<typeof TranscriptMeta>

export const ExportFormat = z.enum(['txt', 'txt-timestamps', 'srt', 'vtt', 'json'])
export type ExportFormat = z.infer<typeof ExportFormat>

export const WhisperModelInfo = z.object({
  name: z.string(),
  sizeMiB: z.number(),
  languages: z.enum(['multilingual', 'english']),
  speed: z.enum(['fastest', 'fast', 'medium', 'slow']),
  accuracy: z.enum(['basic', 'good', 'better', 'best']),
  quantized: z.boolean(),
  installed: z.boolean(),
  path: z.string().nullable(),
  recommended: z.boolean(),
  downloadable: z.boolean(),
})
export type WhisperModelInfo = z.infer<typeof WhisperModelInfo>
