import { z } from 'zod'
import { Preset } from '../enhance-types'
import { TranscriptMeta } from '../transcribe-types'

/** A piece of a result line, `hit` where it matched the query. */
export const MarkedPart = z.object({ text: z.string(), hit: z.boolean() })

export const LibraryHit = z.object({
  /** -1: the file name or a speaker's name matched; an enhanced hit: its piece's place in the run's text */
  segmentId: z.number().int(),
  start: z.number().nullable(),
  /** enhanced: a done enhancement run's text of this transcript (one of its versions) */
  kind: z.enum(['name', 'speaker', 'segment', 'enhanced']),
  parts: z.array(MarkedPart),
  /** an enhanced hit's run: the version to open, and what the result line says (preset, model) */
  enhancement: z.object({ id: z.string(), preset: Preset, model: z.string() }).optional(),
})
export type LibraryHit = z.infer<typeof LibraryHit>

/** Search the whole library: file names, speakers, every segment's text and the enhanced texts, best first. */
export const libraryCalls = {
  'library.search': {
    input: z.object({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(200).default(50) }),
    output: z.array(z.object({ transcript: TranscriptMeta, hits: z.array(LibraryHit) })),
  },
}
