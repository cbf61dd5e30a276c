import type { Api, CallName, Envelope, EventName } from '../../../shared/contract'
import { eventNames } from '../../../shared/contract'
import { ApiError, apiRoutes, PAGE_QUERY, TOKEN_HEADER, TOKEN_QUERY, unwrap } from '../../../shared/transport'
import { connectionEvents, HOST_UNREACHABLE, onReconnect } from './connection'
import { pageId } from './page-id'

/** fetch, with "the host is not there" as its own error instead of the browser's "Failed to fetch". */
async function reach(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init)
  } catch (err) {
    if (init.signal?.aborted) throw err
    throw new ApiError(HOST_UNREACHABLE, `The app's host at ${new URL(url).host} does not answer`)
  }
}

/** `window.api` over the web host: POST per call, one EventSource for all events. */
export function createHttpApi(baseUrl: string, token: string): Api {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null
  const ensureSource = () => {
    if (source) return
    // the page load's id: the host learns this page is gone when the stream closes
    const opened = new EventSource(
      `${baseUrl}${apiRoutes.events}?${TOKEN_QUERY}=${encodeURIComponent(token)}&${PAGE_QUERY}=${encodeURIComponent(pageId)}`,
    )
    source = opened
    // the stream drops when the host stops, and the browser reconnects on its own when it is back
    opened.onerror = () => {
      connectionEvents.down()
      if (opened.readyState === EventSource.CLOSED) {
        // refused rather than dropped: open it again once the host answers
        source = null
        const off = onReconnect(() => {
          off()
          ensureSource()
        })
      }
    }
    opened.onopen = () => connectionEvents.up()
    const listenOn = opened
    for (const name of eventNames) {
      listenOn.addEventListener(name, (ev) => {
        const payload: unknown = JSON.parse((ev as MessageEvent<string>).data)
        for (const l of listeners.get(name) ?? []) l(payload)
      })
    }
  }
  return {
    mediaUrl: (id: string) => `${baseUrl}${apiRoutes.media(id)}?${TOKEN_QUERY}=${encodeURIComponent(token)}`,
    async addFile(file: File) {
      // the browser cannot share a path: the file is uploaded to the host's data folder
      const res = await reach(`${baseUrl}${apiRoutes.upload}?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { [TOKEN_HEADER]: token, 'content-type': 'application/octet-stream' },
        body: file,
      })
      return unwrap((await res.json()) as Envelope<string>)
    },
    async invoke(channel: CallName, input: unknown) {
      const res = await reach(`${baseUrl}${apiRoutes.call(channel)}`, {
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
