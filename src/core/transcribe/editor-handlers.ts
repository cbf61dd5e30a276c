import type { editorCalls } from '../../shared/calls/editor-calls'
import type { Handlers } from '../../shared/contract'
import type { TranscriptionService } from './transcription-service'
import type { TranscriptStore } from './transcript-store'

/** The editor's contract calls, answered by the transcript store and the transcription queue. */
export function editorHandlers(deps: {
  transcripts: TranscriptStore
  transcription: TranscriptionService
}): Pick<Handlers, keyof typeof editorCalls> {
  const { transcripts, transcription } = deps
  return {
    'transcripts.transcribeAgain': async ({ id, vad }) => transcription.transcribeAgain(id, { vad }),
    'transcripts.split': async ({ id, segmentId, at }) => transcripts.splitSegment(id, segmentId, at),
    'transcripts.merge': async ({ id, segmentId }) => transcripts.mergeSegments(id, segmentId),
    'transcripts.deleteSegment': async ({ id, segmentId }) => transcripts.deleteSegment(id, segmentId),
    'transcripts.setTimes': async ({ id, segmentId, start, end }) => transcripts.setSegmentTimes(id, segmentId, start, end),
    'transcripts.replaceAll': async ({ id, find, replace, wholeWord, matchCase }) =>
      transcripts.replaceAll(id, find, replace, { wholeWord, matchCase }),
    'transcripts.setPrompt': async ({ id, prompt }) => transcripts.setPrompt(id, prompt),
  }
}
