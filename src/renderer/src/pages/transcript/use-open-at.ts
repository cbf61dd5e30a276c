import { useEffect, useRef, type RefObject } from 'react'
import type { Segment } from '../../../../shared/transcribe-types'
import { useRoute } from '../../lib/use-route'

/**
 * Opened from a search hit (#/transcript/<id>/<segment id>): once the segments are there, that
 * segment is scrolled into view and marked, and the player is set to its start (not played).
 */
export function useOpenAt(segments: Segment[], media: RefObject<HTMLMediaElement | null>): void {
  const { at } = useRoute()
  const done = useRef<number | null>(null)
  useEffect(() => {
    if (at === null || done.current === at || segments.length === 0) return
    const i = segments.findIndex((s) => s.id === at)
    if (i < 0) return
    done.current = at
    const row = document.querySelectorAll<HTMLElement>('[data-testid="segment"]')[i]
    row?.classList.add('is-found')
    row?.scrollIntoView({ block: 'center' })
    row?.querySelector<HTMLElement>('.segment-time')?.focus({ preventScroll: true })
    if (media.current) media.current.currentTime = segments[i]!.start
  }, [at, segments, media])
}
