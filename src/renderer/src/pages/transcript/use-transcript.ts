import i18next from 'i18next'
import { useCallback, useEffect, useRef, useState } from 'react'
import {
  transcriptText,
  type DocumentOptions,
  type ExportFormat,
  type Segment,
  type SubtitleRules,
} from '../../../../shared/transcribe-types'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { downloadBase64, downloadText } from '../../lib/download'
import { useCall } from '../../lib/use-call'
import { navigate } from '../../lib/use-route'

/** The one binary export: a Word document. */
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

export const ENHANCE_HANDOFF_KEY = 'mp4totext.enhanceText'
export const ENHANCE_LANG_KEY = 'mp4totext.enhanceLang'
export const ENHANCE_TRANSCRIPT_KEY = 'mp4totext.enhanceTranscript'

/** whisper names the language ("turkish"); the Enhance form knows tr and en */
export function enhanceLangOf(language: string): '' | 'tr' | 'en' {
  const l = language.toLowerCase()
  return l === 'tr' || l === 'turkish' ? 'tr' : l === 'en' || l === 'english' ? 'en' : ''
}

/** One transcript: segments kept in sync with the player, inline edits, exports, hand-off to Enhance. */
export function useTranscript(id: string) {
  const data = useCall('transcripts.get', { id })
  const models = useCall('models.list', {}, ['models.download'])
  const [segments, setSegments] = useState<Segment[]>([])
  const [current, setCurrent] = useState<number | null>(null)
  /** index of the word being played in the current segment (where word timing exists) */
  const [currentWord, setCurrentWord] = useState<number | null>(null)
  const [savedId, setSavedId] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const media = useRef<HTMLMediaElement | null>(null)

  /** the revision whose segments this page shows: a save names it, so one on stale text is refused */
  const revision = useRef<number | undefined>(undefined)
  useEffect(() => {
    if (data.data) {
      setSegments(data.data.segments)
      revision.current = data.data.meta.revision
    }
  }, [data.data])

  const onTime = useCallback(() => {
    const t = media.current?.currentTime ?? 0
    const seg = segments.find((s) => t >= s.start && t < Math.max(s.end, s.start + 0.05))
    setCurrent(seg ? seg.id : null)
    const word = seg?.words?.findIndex((w) => t >= w.start && t < Math.max(w.end, w.start + 0.05)) ?? -1
    setCurrentWord(word >= 0 ? word : null)
  }, [segments])

  const seek = (s: Segment) => {
    const m = media.current
    if (!m) return
    m.currentTime = s.start
    setCurrent(s.id)
    void m.play().catch(() => undefined) // autoplay may be refused; the position is set anyway
  }

  /** an edit the core answered with the whole transcript (segment tools, replace all) */
  const apply = useCallback((view: { meta: { revision?: number }; segments: Segment[] }) => {
    setSegments(view.segments)
    revision.current = view.meta.revision
  }, [])

  const save = async (segmentId: number, text: string) => {
    setError(null)
    const seen = revision.current
    const previousText = segments.find((s) => s.id === segmentId)?.text
    try {
      const meta = await api.invoke('transcripts.updateSegment', { id, segmentId, text, revision: seen, previousText })
      setSegments((all) => all.map((s) => (s.id === segmentId ? { ...s, text } : s)))
      setSavedId(segmentId)
      // another window changed other segments meanwhile (merged): show them too
      if (seen !== undefined && meta.revision !== seen + 1) data.reload()
      else revision.current = meta.revision
    } catch (err) {
      if ((err as { code?: unknown }).code === 'conflict') {
        setError(i18next.t('transcript.conflict', { n: segmentId + 1, text }))
        data.reload()
      } else setError(errorText(err))
    }
  }

  /** segments chosen for a re-transcription, by id: each run of adjacent ones is redone on its own */
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [redoing, setRedoing] = useState(false)
  /** the last re-transcription: the segments it wrote (ids), and the token that takes it back */
  const [redone, setRedone] = useState<{ changed: Set<number>; undo: string } | null>(null)
  const toggle = (segmentId: number) =>
    setSelected((prev) => {
      const next = new Set(prev)
      if (next.has(segmentId)) next.delete(segmentId)
      else next.add(segmentId)
      return next
    })
  const retranscribe = async (model: string | undefined, language: string) => {
    if (selected.size === 0) return
    setRedoing(true)
    setError(null)
    try {
      const out = await api.invoke('transcripts.retranscribe', { id, segmentIds: [...selected], model, language })
      setSegments(out.segments)
      setSelected(new Set())
      // ids are positions and have moved: "Saved" named a segment by its old id
      setSavedId(null)
      setRedone({ changed: new Set(out.changed), undo: out.undo })
    } catch (err) {
      setError(errorText(err))
    } finally {
      setRedoing(false)
    }
  }

  /** Put back the segments the last re-transcription replaced. */
  const undoRedo = async () => {
    if (!redone) return
    setError(null)
    try {
      const out = await api.invoke('transcripts.undoRetranscribe', { id, undo: redone.undo })
      setSegments(out.segments)
      setSavedId(null)
      setRedone(null)
    } catch (err) {
      setError(errorText(err))
    }
  }

  const exportAs = async (format: ExportFormat, subtitles?: SubtitleRules, document?: DocumentOptions) => {
    const { fileName, content, encoding } = await api.invoke('transcripts.export', { id, format, subtitles, document })
    if (encoding === 'base64') downloadBase64(fileName, content, DOCX_TYPE)
    else downloadText(fileName, content)
  }

  /** `speakers`: the names as the editor shows them now (they may have changed since loading) */
  const enhance = (speakers?: Record<string, string>) => {
    sessionStorage.setItem(ENHANCE_HANDOFF_KEY, transcriptText(segments, speakers ?? data.data?.meta.speakers))
    sessionStorage.setItem(ENHANCE_LANG_KEY, enhanceLangOf(data.data?.meta.language ?? ''))
    sessionStorage.setItem(ENHANCE_TRANSCRIPT_KEY, id)
    navigate('enhance')
  }

  const remove = async () => {
    await api.invoke('transcripts.delete', { id })
    navigate('transcribe')
  }

  return {
    remove,
    data,
    segments,
    setSegments,
    apply,
    current,
    currentWord,
    selected,
    toggle,
    retranscribe,
    redoing,
    redone,
    undoRedo,
    models,
    media,
    onTime,
    seek,
    save,
    savedId,
    error,
    exportAs,
    enhance,
    mediaUrl: api.mediaUrl(id),
  }
}
