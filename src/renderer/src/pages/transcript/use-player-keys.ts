import { useEffect, type RefObject } from 'react'

/** How far ← and → move the player, in seconds. */
export const SEEK_STEP_SEC = 5

/**
 * The players' usual keys on the editor page: Space or k plays and pauses, ← and → seek. Keys
 * typed into a field, or pressed on a control that has its own use for them (a button's Space,
 * a select's arrows, the media element's own controls), are left alone.
 */
export function usePlayerKeys(media: RefObject<HTMLMediaElement | null>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return
      const m = media.current
      if (!m || ownsKeys(e.target)) return
      if (e.key === ' ' || e.key === 'k') {
        e.preventDefault()
        if (m.paused) void m.play().catch(() => undefined)
        else m.pause()
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault()
        const to = m.currentTime + (e.key === 'ArrowRight' ? SEEK_STEP_SEC : -SEEK_STEP_SEC)
        m.currentTime = Math.max(0, Number.isFinite(m.duration) ? Math.min(m.duration, to) : to)
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [media])
}

/** An element that answers these keys itself: fields, controls, and the player's own controls. */
function ownsKeys(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  return /^(INPUT|TEXTAREA|SELECT|BUTTON|A|SUMMARY|AUDIO|VIDEO)$/.test(target.tagName) || target.getAttribute('role') === 'slider'
}
