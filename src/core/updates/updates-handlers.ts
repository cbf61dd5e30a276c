import type { HandlersOf } from '../../shared/contract'
import { isJobActive } from '../../shared/transcribe-types'
import type { RecordingService } from '../recording/recording-service'
import type { TranscriptionService } from '../transcribe/transcription-service'
import { decideUpdate, type UpdateSource } from './update-decision'

/** Whether a newer release is out, and what to do about it with the work in progress. */
export function updatesHandlers(deps: {
  version: string
  updates?: UpdateSource
  recording: RecordingService
  transcription: TranscriptionService
}): HandlersOf<'updates'> {
  const { version, updates } = deps
  return {
    'updates.check': async () => {
      const busy = {
        recordings: deps.recording.liveCount(),
        transcriptions: deps.transcription.jobs().filter((j) => isJobActive(j.status)).length,
      }
      if (!updates) return { action: 'unsupported', current: version, latest: null, busy }
      const feed = await updates.latest()
      const action = feed ? decideUpdate(version, feed, busy) : 'none'
      if (action === 'download-and-install-on-quit')
        void updates.downloadAndInstallOnQuit().catch((err: unknown) => console.warn('update:', err))
      return { action, current: version, latest: feed?.version ?? null, busy }
    },
  }
}
