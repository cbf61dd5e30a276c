import { useEffect, useState } from 'react'
import type { Segment, TranscriptMeta } from '../../../../shared/transcribe-types'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useCall } from '../../lib/use-call'

type View = { meta: TranscriptMeta; segments: Segment[] }
type Notice = Pick<TranscriptMeta, 'speakerNotice' | 'speakerNoticeError'>

const noticeOf = (m: TranscriptMeta | undefined): Notice => ({
  speakerNotice: m?.speakerNotice,
  speakerNoticeError: m?.speakerNoticeError,
})

/**
 * The notice in the UI's language, worded at render time: from its error's key (or code) where
 * the core kept it, else (a record from an older version) as it was written.
 */
function noticeText(n: Notice): string | undefined {
  if (!n.speakerNotice) return undefined
  return n.speakerNoticeError ? errorText({ ...n.speakerNoticeError, message: n.speakerNotice }) : n.speakerNotice
}

/**
 * Who speaks in one transcript: detection (with its two-step progress), rename, merge and
 * reassigning a segment. Every change answers with the whole transcript, handed to `onSegments`.
 */
export function useSpeakers(id: string, meta: TranscriptMeta | undefined, onSegments: (s: Segment[]) => void) {
  const models = useCall('speakers.models', {}, ['models.download'])
  // who the speakers are in the voice library, and its voices to say "this is …" with
  const known = useCall('voices.ofTranscript', { id }, ['transcripts.changed'])
  const library = useCall('voices.list', {}, ['transcripts.changed'])
  const [names, setNames] = useState<Record<string, string> | undefined>(meta?.speakers)
  const [notice, setNotice] = useState<Notice>(noticeOf(meta))
  const [phase, setPhase] = useState<'idle' | 'audio' | 'speakers'>('idle')
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    setNames(meta?.speakers)
    setNotice(noticeOf(meta))
  }, [meta])

  useEffect(
    () =>
      api.on('speakers.progress', (p) => {
        if (p.id === id) setPhase(p.phase === 'done' ? 'idle' : p.phase)
      }),
    [id],
  )

  const apply = (view: View) => {
    setNames(view.meta.speakers)
    setNotice(noticeOf(view.meta))
    onSegments(view.segments)
  }

  const run = async (fn: () => Promise<View>) => {
    setError(null)
    try {
      apply(await fn())
      // the voice library is written after the transcript (whose change event came first)
      known.reload()
      library.reload()
    } catch (err) {
      setError(errorText(err))
    }
  }

  const detect = async (speakers: 'auto' | number) => {
    setPhase('audio')
    setNotice({})
    await run(() => api.invoke('speakers.detect', { id, speakers }))
    setPhase('idle')
  }

  return {
    models,
    installed: (models.data ?? []).length > 0 && (models.data ?? []).every((m) => m.installed),
    names,
    notice: noticeText(notice),
    phase,
    error,
    detect,
    cancel: () => void api.invoke('speakers.cancel', { id }),
    rename: (speaker: string, name: string) => run(() => api.invoke('speakers.rename', { id, speaker, name })),
    merge: (from: string, into: string) => run(() => api.invoke('speakers.merge', { id, from, into })),
    assign: (segmentId: number, speaker: string) => run(() => api.invoke('speakers.assign', { id, segmentId, speaker })),
    known: known.data,
    library: library.data?.voices ?? [],
    confirmVoice: (speaker: string, voiceId: string) => run(() => api.invoke('voices.confirm', { id, speaker, voiceId })),
    rejectVoice: (speaker: string) => run(() => api.invoke('voices.reject', { id, speaker })),
  }
}

export type SpeakersState = ReturnType<typeof useSpeakers>
