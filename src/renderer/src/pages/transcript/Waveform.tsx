import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { Segment } from '../../../../shared/transcribe-types'
import { useFormat } from '../../i18n/format'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'
import { useEditor } from './editor-context'
import { ErrorBox } from '../../components/ErrorBox'

/** Seconds of audio the strip shows at once: enough to see a segment and its neighbours. */
const WINDOW_SEC = 30
/** How far an arrow key moves an edge, in seconds (as the segment tools' nudge). */
const KEY_STEP_SEC = 0.1
const HEIGHT = 44

const ms = (t: number) => Math.round(t * 1000) / 1000

/**
 * The audio's loudness under the player, around the playing position: the segments as bands, the
 * current one highlighted with its start and end as handles. A click seeks the player there; a
 * handle dragged (or moved with the arrow keys) sets the segment's times, saved as the segment
 * tools save them.
 */
export function Waveform({ segments, current }: { segments: Segment[]; current: number | null }) {
  const { t } = useTranslation()
  const f = useFormat()
  const ed = useEditor()
  const peaks = useCall('transcripts.peaks', { id: ed.id })
  const action = useAction()
  const box = useRef<HTMLDivElement | null>(null)
  const canvas = useRef<HTMLCanvasElement | null>(null)
  const [now, setNow] = useState(0)
  const [width, setWidth] = useState(0)
  /** an edge being dragged: where it is now (saved when let go) */
  const [drag, setDrag] = useState<{ which: 'start' | 'end'; at: number } | null>(null)
  /** a drag just ended: the click the browser sends after it is not a seek */
  const dragged = useRef(false)

  useEffect(() => {
    const m = ed.media.current
    if (!m) return
    const on = () => setNow(m.currentTime)
    m.addEventListener('timeupdate', on)
    return () => m.removeEventListener('timeupdate', on)
  }, [ed.media])
  useEffect(() => {
    const el = box.current
    if (!el) return
    const ro = new ResizeObserver(() => setWidth(el.clientWidth))
    ro.observe(el)
    setWidth(el.clientWidth)
    return () => ro.disconnect()
  }, [peaks.data])

  const data = peaks.data
  const total = data ? Math.max(ed.durationSec, data.peaks.length / data.perSec) : ed.durationSec
  const span = Math.min(WINDOW_SEC, total)
  const from = Math.max(0, Math.min(now - span / 3, total - span))
  const xOf = (sec: number) => ((sec - from) / span) * width
  const timeAt = (clientX: number) => {
    const rect = box.current!.getBoundingClientRect()
    return Math.max(0, Math.min(total, from + ((clientX - rect.left) / rect.width) * span))
  }

  useEffect(() => {
    const c = canvas.current
    if (!c || !data || width <= 0) return
    c.width = width
    c.height = HEIGHT
    const g = c.getContext('2d')
    if (!g) return
    g.clearRect(0, 0, width, HEIGHT)
    g.fillStyle = getComputedStyle(c).color
    for (let x = 0; x < width; x++) {
      const a = Math.floor((from + (x / width) * span) * data.perSec)
      const b = Math.max(a + 1, Math.floor((from + ((x + 1) / width) * span) * data.perSec))
      let peak = 0
      for (let i = a; i < b && i < data.peaks.length; i++) peak = Math.max(peak, data.peaks[i]!)
      const h = Math.max(1, peak * HEIGHT)
      g.fillRect(x, (HEIGHT - h) / 2, 1, h)
    }
  }, [data, width, from, span])

  if (!data || data.peaks.length === 0) return null
  const seg = segments.find((s) => s.id === current) ?? null
  const start = seg ? (drag?.which === 'start' ? drag.at : seg.start) : 0
  const end = seg ? (drag?.which === 'end' ? drag.at : seg.end) : 0
  const save = (a: number, b: number) => {
    if (!seg) return
    void action.run(async () =>
      ed.apply(await api.invoke('transcripts.setTimes', { id: ed.id, segmentId: seg.id, start: ms(a), end: ms(b) })),
    )
  }
  const handle = (which: 'start' | 'end') => {
    const value = which === 'start' ? start : end
    const onDown = (e: ReactPointerEvent<HTMLDivElement>) => {
      e.stopPropagation()
      e.currentTarget.setPointerCapture(e.pointerId)
      setDrag({ which, at: value })
    }
    const onMove = (e: ReactPointerEvent<HTMLDivElement>) => drag?.which === which && setDrag({ which, at: timeAt(e.clientX) })
    const onUp = (e: ReactPointerEvent<HTMLDivElement>) => {
      if (drag?.which !== which) return
      e.stopPropagation()
      dragged.current = true
      setDrag(null)
      const at = timeAt(e.clientX)
      save(which === 'start' ? at : start, which === 'end' ? at : end)
    }
    return (
      <div
        key={which}
        className={`wave-edge wave-edge-${which}`}
        style={{ left: xOf(value) }}
        role="slider"
        tabIndex={0}
        data-testid={`wave-${which}`}
        aria-label={t(which === 'start' ? 'editor.waveStart' : 'editor.waveEnd', { time: f.duration(seg!.start) })}
        aria-valuemin={0}
        aria-valuemax={Math.round(total * 10) / 10}
        aria-valuenow={ms(value)}
        aria-valuetext={`${ms(value)} s`}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          const by = e.key === 'ArrowLeft' ? -KEY_STEP_SEC : e.key === 'ArrowRight' ? KEY_STEP_SEC : 0
          if (!by) return
          e.preventDefault()
          // the player's own arrow keys seek; on a handle they move the edge
          e.stopPropagation()
          save(which === 'start' ? Math.max(0, start + by) : start, which === 'end' ? end + by : end)
        }}
      />
    )
  }
  return (
    <div className="waveform" role="group" aria-label={t('editor.waveform')}>
      <div
        ref={box}
        className="waveform-strip"
        data-testid="waveform"
        data-from={from}
        data-span={span}
        onClick={(e) => {
          if (dragged.current) return void (dragged.current = false)
          const m = ed.media.current
          if (m) m.currentTime = timeAt(e.clientX)
        }}
      >
        <canvas ref={canvas} height={HEIGHT} aria-hidden="true" />
        {segments
          .filter((s) => s.end > from && s.start < from + span)
          .map((s) => (
            <div
              key={s.id}
              className={`wave-segment${s.id === current ? ' is-current' : ''}`}
              data-testid={s.id === current ? 'wave-current' : undefined}
              style={{
                left: xOf(s.id === current ? start : s.start),
                width: Math.max(1, xOf(s.id === current ? end : s.end) - xOf(s.id === current ? start : s.start)),
              }}
            />
          ))}
        {seg ? [handle('start'), handle('end')] : null}
      </div>
      <ErrorBox error={action.error} />
    </div>
  )
}
