import type { editorCalls } from '../../shared/calls/editor-calls'
import type { Handlers } from '../../shared/contract'
import type { TranscriptionService } from './transcription-service'
import type { TranscriptStore } from './transcript-store'

/** The editor's contract calls, answered by the transcript store and the transcription queue. */
export function editorHandlers(deps: {
  transcripts: TranscriptStore
  transcription: TranscriptionService
}): Pick<Handlers, keyof typeof editorCalls> {
  const { transcription } = deps
  return {
    'transcripts.transcribeAgain': async ({ id, vad }) => transcription.transcribeAgain(id, { vad }),
  }
}
