import path from 'node:path'
import type { Core } from '../../src/core/app-core'
import type { Segment, TranscriptMeta } from '../../src/shared/transcribe-types'

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

/** Save a transcript of one 3-second segment per text (the search tests' library), through the core. */
export async function saveTextTranscript(core: Core, fileName: string, texts: string[]): Promise<string> {
  const segments: Segment[] = texts.map((text, i) => ({ id: i, start: i * 3, end: i * 3 + 2.5, text }))
  const meta = await core.transcripts.save(
    newTranscriptMeta(fileName, {
      jobId: 'job',
      mediaPath: path.join(core.dataDirPath, fileName),
      durationSec: texts.length * 3,
    }),
    segments,
  )
  return meta.id
}
