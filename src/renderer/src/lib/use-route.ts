import { useEffect, useState } from 'react'

/** Pages in the side menu, in order. */
export const routes = [
  'transcribe',
  'record',
  'enhance',
  'models',
  'compare',
  'recommendations',
  'summary',
  'pricing',
  'credits',
  'settings',
] as const
export type Route = (typeof routes)[number] | 'transcript'

export interface Location {
  route: Route
  /** e.g. the transcript id in #/transcript/<id> */
  param: string | null
  /** a segment to open the transcript at: #/transcript/<id>/<segment id> */
  at: number | null
  /** an enhanced version to open the transcript with: #/transcript/<id>/version/<enhancement id> */
  version: string | null
}

const parse = (hash: string): Location => {
  const [name, param, at, version] = hash.replace(/^#\/?/, '').split('/')
  if (name === 'transcript' && param)
    return {
      route: 'transcript',
      param: decodeURIComponent(param),
      at: at && /^\d+$/.test(at) ? Number(at) : null,
      version: at === 'version' && version ? decodeURIComponent(version) : null,
    }
  return {
    route: (routes as readonly string[]).includes(name ?? '') ? (name as Route) : 'transcribe',
    param: null,
    at: null,
    version: null,
  }
}

/** Hash routing: works from file:// in Electron and from the web host alike. */
export function useRoute(): Location {
  const [loc, setLoc] = useState<Location>(() => parse(window.location.hash))
  useEffect(() => {
    const on = () => setLoc(parse(window.location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return loc
}

export function navigate(route: Route, param?: string): void {
  window.location.hash = param ? `#/${route}/${encodeURIComponent(param)}` : `#/${route}`
}
