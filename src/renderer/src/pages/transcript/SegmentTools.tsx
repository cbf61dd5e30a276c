import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Segment } from '../../../../shared/transcribe-types'
import { useFormat } from '../../i18n/format'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useEditor } from './editor-context'

/** How far one nudge moves a start or an end, in seconds. */
const NUDGE_SEC = 0.1

const round = (t: number) => Math.round(t * 1000) / 1000

/**
 * One segment's tools behind one button: split (at the player's position when it is inside the
 * segment, else in the middle), merge with the next, delete, and its start and end — typed, or
 * nudged a tenth of a second at a time.
 */
export function SegmentTools({ segment }: { segment: Segment }) {
  const { t } = useTranslation()
  const f = useFormat()
  const ed = useEditor()
  const [open, setOpen] = useState(false)
  const [start, setStart] = useState(segment.start)
  const [end, setEnd] = useState(segment.end)
  const [problem, setProblem] = useState<string | null>(null)
  const action = useAction()
  // A saved change (this tab's answer, another tab's edit) shows in a field the user has not
  // changed since the last one; a value typed meanwhile is kept, not reset under their fingers.
  const synced = useRef({ start: segment.start, end: segment.end })
  useEffect(() => {
    const was = synced.current
    setStart((cur) => (cur === was.start ? segment.start : cur))
    setEnd((cur) => (cur === was.end ? segment.end : cur))
    synced.current = { start: segment.start, end: segment.end }
  }, [segment.start, segment.end])
  const time = f.duration(segment.start)
  const ref = { id: ed.id, segmentId: segment.id }
  const run = (fn: () => ReturnType<typeof api.invoke<'transcripts.split'>>) => void action.run(async () => ed.apply(await fn()))
  const split = () => {
    const now = ed.media.current?.currentTime
    const at = now !== undefined && now > segment.start && now < segment.end ? round(now) : undefined
    run(() => api.invoke('transcripts.split', { ...ref, at }))
  }
  const saveTimes = (a: number, b: number) => {
    // said here in the user's language; the core refuses the same
    if (!(a >= 0 && b > a)) return setProblem(t('editor.timesOrder'))
    if (ed.durationSec > 0 && b > ed.durationSec) return setProblem(t('editor.timesPastEnd', { end: f.duration(ed.durationSec) }))
    setProblem(null)
    run(() => api.invoke('transcripts.setTimes', { ...ref, start: a, end: b }))
  }
  const nudge = (which: 'start' | 'end', by: number) => {
    const a = which === 'start' ? round(Math.max(0, start + by)) : start
    const b = which === 'end' ? round(end + by) : end
    setStart(a)
    setEnd(b)
    saveTimes(a, b)
  }
  return (
    <span className="segment-tools">
      <button
        type="button"
        className="secondary small"
        aria-expanded={open}
        aria-label={t('editor.segmentTools', { time })}
        onClick={() => setOpen(!open)}
      >
        {'⋯'}
      </button>
      {open ? (
        <span className="segment-tools" role="group" aria-label={t('editor.segmentTools', { time })} data-testid="segment-tools">
          <button type="button" className="secondary small" onClick={split}>
            {t('editor.split')}
          </button>
          <button
            type="button"
            className="secondary small"
            disabled={segment.id === ed.lastId}
            onClick={() => run(() => api.invoke('transcripts.merge', ref))}
          >
            {t('editor.mergeNext')}
          </button>
          <button
            type="button"
            className="secondary small"
            onClick={() => run(() => api.invoke('transcripts.deleteSegment', ref))}
          >
            {t('editor.deleteSegment')}
          </button>
          {(['start', 'end'] as const).map((which) => (
            <span key={which} className="segment-tools">
              <button
                type="button"
                className="secondary small"
                aria-label={t(`editor.${which}Earlier`)}
                onClick={() => nudge(which, -NUDGE_SEC)}
              >
                {'−'}
              </button>
              <label>
                <span className="muted">{t(`editor.${which}`)}</span>{' '}
                <input
                  type="number"
                  name={which}
                  step={NUDGE_SEC}
                  min={0}
                  value={which === 'start' ? start : end}
                  onChange={(e) => (which === 'start' ? setStart : setEnd)(Number(e.target.value))}
                  onKeyDown={(e) => e.key === 'Enter' && saveTimes(start, end)}
                />
              </label>
              <button
                type="button"
                className="secondary small"
                aria-label={t(`editor.${which}Later`)}
                onClick={() => nudge(which, NUDGE_SEC)}
              >
                {'+'}
              </button>
            </span>
          ))}
          <button type="button" className="small" onClick={() => saveTimes(start, end)}>
            {t('editor.setTimes')}
          </button>
          {(problem ?? action.error) ? (
            <span role="alert" className="error-box">
              {problem ?? action.error}
            </span>
          ) : null}
        </span>
      ) : null}
    </span>
  )
}
