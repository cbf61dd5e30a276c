import type { editorCalls } from '../../shared/calls/editor-calls'
import type { CallName, Handlers } from '../../shared/contract'
import { AppError } from '../../shared/errors'
import type { SpeakerService } from '../diarize/speaker-service'
import type { LibraryDb } from '../store/library-db'
import type { Store } from '../store/store'
import { exportMany } from './batch-export'
import { requireNoticeAcknowledged, type RemoteTranscriber } from './remote-transcriber'
import type { TranscriptionService } from './transcription-service'
import type { TranscriptStore } from './transcript-store'

type TranscribeCalls = Exclude<
  Extract<CallName, `transcribe.${string}` | `transcripts.${string}` | `library.${string}`>,
  keyof typeof editorCalls
>

/** The queue (add, cancel, retry, clear), the library (list, search, export, delete) and re-transcription. */
export function transcribeHandlers(deps: {
  store: Store
  library: LibraryDb
  transcription: TranscriptionService
  transcripts: TranscriptStore
  remote: RemoteTranscriber
  speakers: SpeakerService
}): Pick<Handlers, TranscribeCalls> {
  const { store, library, transcription, transcripts, remote, speakers } = deps
  return {
    'transcribe.add': async ({ files, options }) => {
      requireNoticeAcknowledged(options, store.data.settings)
      return transcription.add(files, options)
    },
    'transcribe.jobs': async () => transcription.jobs(),
    'transcribe.estimate': async ({ file, model }) => remote.estimate(file, model),
    'transcribe.cancel': async ({ id }) => ({ cancelled: transcription.cancel(id) }),
    'transcribe.retry': async ({ id }) => transcription.retry(id),
    'transcribe.remove': async ({ id }) => {
      await transcription.removeJob(id)
      return transcription.jobs()
    },
    'transcribe.clearFinished': async () => {
      await transcription.clearFinished()
      return transcription.jobs()
    },
    'transcripts.delete': async ({ id }) => {
      await transcripts.delete(id)
      await speakers.voices.removeTranscript(id)
      return { deleted: true }
    },
    'transcripts.list': async ({ query, limit, offset }) => transcripts.list(query, { limit, offset }),
    'library.search': async ({ query, limit }) =>
      (await transcripts.search(query, limit)).map((r) => ({
        transcript: library.transcripts.get(r.transcriptId)!,
        hits: r.hits,
      })),
    'transcripts.get': async ({ id }) => transcripts.get(id),
    'transcripts.updateSegment': async ({ id, segmentId, text, revision, previousText }) =>
      transcripts.updateSegment(id, segmentId, text, { revision, previousText }),
    'transcripts.retranscribe': async ({ id, segmentIds, from, to, model, language, prompt }) =>
      transcription.retranscribe(id, segmentIds ?? rangeOf(from, to), { model, language, prompt }),
    'transcripts.undoRetranscribe': async ({ id, undo }) => transcription.undoRetranscribe(id, undo),
    'transcripts.export': async ({ id, format, subtitles, document }) => transcripts.exportText(id, format, subtitles, document),
    'transcripts.exportMany': async ({ ids, format, subtitles, document }) =>
      exportMany(transcripts, ids, format, subtitles, document),
  }
}

/** The ids `from`..`to`, for a re-transcription asked for as a range. */
function rangeOf(from: number | undefined, to: number | undefined): number[] {
  if (from === undefined || to === undefined || to < from || to - from > 100_000)
    throw new AppError('invalid-input', 'Choose the segments to transcribe again (segmentIds, or from and to)')
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
