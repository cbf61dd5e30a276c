import type { Api, CallName, Envelope, EventName } from '../../../shared/contract'
import { eventNames } from '../../../shared/contract'
import { apiRoutes, PAGE_QUERY, TOKEN_HEADER, TOKEN_QUERY, unwrap } from '../../../shared/transport'
import { pageId } from './page-id'

/** `window.api` over the web host: POST per call, one EventSource for all events. */
export function createHttpApi(baseUrl: string, token: string): Api {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null
  const ensureSource = () => {
    if (source) return
    // the page load's id: the host learns this page is gone when the stream closes
    source = new EventSource(
      `${baseUrl}${apiRoutes.events}?${TOKEN_QUERY}=${encodeURIComponent(token)}&${PAGE_QUERY}=${encodeURIComponent(pageId)}`,
    )
    for (const name of eventNames) {
      source.addEventListener(name, (ev) => {
        const payload: unknown = JSON.parse((ev as MessageEvent<string>).data)
        for (const l of listeners.get(name) ?? []) l(payload)
      })
    }
  }
  return {
    mediaUrl: (id: string) => `${baseUrl}${apiRoutes.media(id)}?${TOKEN_QUERY}=${encodeURIComponent(token)}`,
    async addFile(file: File) {
      // the browser cannot share a path: the file is uploaded to the host's data folder
      const res = await fetch(`${baseUrl}${apiRoutes.upload}?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { [TOKEN_HEADER]: token, 'content-type': 'application/octet-stream' },
        body: file,
      })
      return unwrap((await res.json()) as Envelope<string>)
    },
    async invoke(channel: CallName, input: unknown) {
      const res = await fetch(`${baseUrl}${apiRoutes.call(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(input ?? {}),
      })
      return unwrap((await res.json()) as Envelope<never>)
    },
    on(event: EventName, listener: (payload: never) => void) {
      ensureSource()
      const set = listeners.get(event) ?? new Set()
      set.add(listener as (payload: unknown) => void)
      listeners.set(event, set)
      return () => set.delete(listener as (payload: unknown) => void)
    },
  } as Api
}
