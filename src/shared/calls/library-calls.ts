import { z } from 'zod'
import { TranscriptMeta } from '../transcribe-types'

/** A piece of a result line, `hit` where it matched the query. */
export const MarkedPart = z.object({ text: z.string(), hit: z.boolean() })

export const LibraryHit = z.object({
  /** -1: the file name or a speaker's name matched, not a segment */
  segmentId: z.number().int(),
  start: z.number().nullable(),
  kind: z.enum(['name', 'speaker', 'segment']),
  parts: z.array(MarkedPart),
})
export type LibraryHit = z.infer<typeof LibraryHit>

/** Search the whole library: file names, speakers and every segment's text, best first. */
export const libraryCalls = {
  'library.search': {
    input: z.object({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(200).default(50) }),
    output: z.array(z.object({ transcript: TranscriptMeta, hits: z.array(LibraryHit) })),
  },
}
