import path from 'node:path'
import type { TranscriptMeta } from '../../src/shared/transcribe-types'

/** A transcript index entry for a media file, as the transcription service writes one. */
export function transcriptMeta(id: string, mediaPath: string): TranscriptMeta {
  const now = new Date().toISOString()
  return {
    id,
    jobId: `job-${id}`,
    fileName: path.basename(mediaPath),
    mediaPath,
    hasVideo: false,
    createdAt: now,
    updatedAt: now,
    durationSec: 1,
    language: 'en',
    model: 'tiny',
    segmentCount: 0,
    preview: '',
  }
}
