import type { editorCalls } from '../../shared/calls/editor-calls'
import type { Handlers } from '../../shared/contract'
import type { EnhanceService } from '../enhance/enhance-service'
import { cachedPeaks } from '../media/peaks'
import type { TranscriptionService } from './transcription-service'
import type { TranscriptStore } from './transcript-store'

/** The editor's contract calls, answered by the transcript store and the transcription queue. */
export function editorHandlers(deps: {
  transcripts: TranscriptStore
  transcription: TranscriptionService
  enhance: EnhanceService
  dataDir: string
}): Pick<Handlers, keyof typeof editorCalls> {
  const { transcripts, transcription, enhance } = deps
  return {
    'transcripts.transcribeAgain': async ({ id, vad }) => transcription.transcribeAgain(id, { vad }),
    'transcripts.split': async ({ id, segmentId, at }) => transcripts.splitSegment(id, segmentId, at),
    'transcripts.merge': async ({ id, segmentId }) => transcripts.mergeSegments(id, segmentId),
    'transcripts.deleteSegment': async ({ id, segmentId }) => transcripts.deleteSegment(id, segmentId),
    'transcripts.setTimes': async ({ id, segmentId, start, end }) => transcripts.setSegmentTimes(id, segmentId, start, end),
    'transcripts.replaceAll': async ({ id, find, replace, wholeWord, matchCase }) =>
      transcripts.replaceAll(id, find, replace, { wholeWord, matchCase }),
    'transcripts.peaks': async ({ id }) => {
      const { meta } = await transcripts.get(id)
      return cachedPeaks(deps.dataDir, meta.id, meta.mediaPath)
    },
    'transcripts.setPrompt': async ({ id, prompt }) => transcripts.setPrompt(id, prompt),
    'transcripts.versions': async ({ id }) => {
      const { meta } = await transcripts.get(id)
      const done = enhance.doneFor(id)
      return [
        { kind: 'original' as const, at: meta.createdAt, model: meta.model },
        ...done.map((e) => ({
          kind: 'enhancement' as const,
          id: e.id,
          at: e.at,
          preset: e.preset,
          provider: e.provider,
          modelId: e.modelId,
          displayName: e.displayName,
          credits: e.credits,
          preview: e.preview,
        })),
      ]
    },
  }
}
