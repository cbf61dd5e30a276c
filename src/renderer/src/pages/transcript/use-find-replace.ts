import { useMemo, useState } from 'react'
import { findMatches } from '../../../../shared/find-replace'
import type { Segment } from '../../../../shared/transcribe-types'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import type { EditedView } from './editor-context'

/** Find and replace across one transcript: live match count, then one saved change for them all. */
export function useFindReplace(id: string, segments: Segment[], language: string, apply: (v: EditedView) => void) {
  const [find, setFind] = useState('')
  const [replace, setReplace] = useState('')
  const [wholeWord, setWholeWord] = useState(false)
  const [matchCase, setMatchCase] = useState(false)
  const [replaced, setReplaced] = useState<number | null>(null)
  const action = useAction()
  const hits = useMemo(
    () =>
      find
        ? segments.filter((s) => findMatches(s.text, find, { wholeWord, matchCase, language }).length > 0).map((s) => s.id)
        : [],
    [segments, find, wholeWord, matchCase, language],
  )
  const count = useMemo(
    () => (find ? segments.reduce((n, s) => n + findMatches(s.text, find, { wholeWord, matchCase, language }).length, 0) : 0),
    [segments, find, wholeWord, matchCase, language],
  )
  const replaceAll = () =>
    action.run(async () => {
      const r = await api.invoke('transcripts.replaceAll', { id, find, replace, wholeWord, matchCase })
      apply(r)
      setReplaced(r.replaced)
    })
  const edit =
    <T>(set: (v: T) => void) =>
    (v: T) => {
      setReplaced(null)
      set(v)
    }
  return {
    find,
    setFind: edit(setFind),
    replace,
    setReplace: edit(setReplace),
    wholeWord,
    setWholeWord: edit(setWholeWord),
    matchCase,
    setMatchCase: edit(setMatchCase),
    count,
    hits,
    replaced,
    replaceAll,
    error: action.error,
  }
}
