import { useEffect, useState } from 'react'

export const routes = ['enhance', 'models', 'compare', 'recommendations', 'summary', 'pricing', 'credits', 'settings'] as const
export type Route = (typeof routes)[number]

const parse = (hash: string): Route => {
  const name = hash.replace(/^#\/?/, '')
  return (routes as readonly string[]).includes(name) ? (name as Route) : 'enhance'
}

/** Hash routing: works from file:// in Electron and from the web host alike. */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parse(window.location.hash))
  useEffect(() => {
    const on = () => setRoute(parse(window.location.hash))
    window.addEventListener('hashchange', on)
    return () => window.removeEventListener('hashchange', on)
  }, [])
  return route
}
