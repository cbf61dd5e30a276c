import { z } from 'zod'
import { Job } from '../transcribe-types'

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
} as const

export const editorEvents = {} as const
