import type { TranscriptMeta } from '../../src/shared/transcribe-types'

/** What `transcripts.save` takes for a 2-second Turkish file: the fields a test does not care about, filled. */
export function newTranscriptMeta(
  fileName: string,
  o: Partial<Omit<TranscriptMeta, 'id' | 'segmentCount' | 'preview'>> = {},
): Omit<TranscriptMeta, 'id' | 'segmentCount' | 'preview'> {
  const now = new Date().toISOString()
  return {
    jobId: `job-${fileName}`,
    fileName,
    mediaPath: `/media/${fileName}`,
    hasVideo: false,
    createdAt: now,
    updatedAt: now,
    durationSec: 2,
    language: 'tr',
    model: 'base',
    ...o,
  }
}
