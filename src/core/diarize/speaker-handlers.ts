import type { HandlersOf } from '../../shared/contract'
import type { SpeakerService } from './speaker-service'

/** Speaker detection on a transcript and the edits of its speakers. */
export function speakerHandlers(speakers: SpeakerService): HandlersOf<'speakers'> {
  return {
    'speakers.models': async () => speakers.models(),
    'speakers.downloadModels': async () => speakers.downloadModels(),
    'speakers.detect': async ({ id, speakers: count }) => speakers.detect(id, count),
    'speakers.cancel': async ({ id }) => ({ cancelled: speakers.cancel(id) }),
    'speakers.rename': async ({ id, speaker, name }) => speakers.rename(id, speaker, name),
    'speakers.merge': async ({ id, from, into }) => speakers.merge(id, from, into),
    'speakers.assign': async ({ id, segmentId, speaker }) => speakers.assign(id, segmentId, speaker),
  }
}
