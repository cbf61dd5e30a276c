import { createContext, useContext, type RefObject } from 'react'
import type { Segment, TranscriptMeta } from '../../../../shared/transcribe-types'

/** A transcript after an edit, as every editor call answers. */
export interface EditedView {
  meta: TranscriptMeta
  segments: Segment[]
}

/** What the editor's tools need from the page: which transcript, how to show an edit, the player. */
export interface EditorContextValue {
  id: string
  apply: (view: EditedView) => void
  media: RefObject<HTMLMediaElement | null>
  /** the file's length in seconds */
  durationSec: number
  lastId: number
}

export const EditorContext = createContext<EditorContextValue | null>(null)

export function useEditor(): EditorContextValue {
  const ctx = useContext(EditorContext)
  if (!ctx) throw new Error('useEditor outside the transcript editor')
  return ctx
}
