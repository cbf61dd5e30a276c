import type { HandlersOf } from '../../shared/contract'
import type { RecordingService } from './recording-service'

/** Live capture: numbered chunks in, pause and resume, stop into a transcript, recovery. */
export function recordingHandlers(recording: RecordingService): HandlersOf<'recording'> {
  return {
    'recording.start': (input) => recording.start(input),
    'recording.append': ({ id, seq, pcm }) => recording.append(id, seq, pcm),
    'recording.pause': ({ id }) => recording.setPaused(id, true),
    'recording.resume': ({ id }) => recording.setPaused(id, false),
    'recording.stop': ({ id }) => recording.stop(id),
    'recording.discard': ({ id }) => recording.discard(id),
    'recording.recoverable': () => recording.recoverable(),
    'recording.recover': ({ id, action }) => recording.recover(id, action),
  }
}
