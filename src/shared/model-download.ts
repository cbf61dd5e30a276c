import { z } from 'zod'
import { AppErrorShape } from './errors'

/**
 * One report of a model download running in the background (a whisper model or a built-in GGUF
 * model): how far it is while it runs, and how it ended, keeping the last amount received.
 */
export const ModelDownloadEvent = z.object({
  name: z.string(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  receivedBytes: z.number(),
  totalBytes: z.number().nullable(),
  bytesPerSec: z.number(),
  etaSec: z.number().nullable(),
  error: z.string().nullable(),
  /** the failure as a code and values, for the page to word */
  failure: AppErrorShape.nullable().optional(),
})
export type ModelDownloadEvent = z.infer<typeof ModelDownloadEvent>
