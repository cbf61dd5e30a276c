import type { Api, CallName, Envelope, EventName } from '../../../shared/contract'
import { eventNames } from '../../../shared/contract'

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export function unwrap<T>(env: Envelope<T>): T {
  if (env.ok) return env.value
  throw new ApiError(env.error.code, env.error.message)
}

/** `window.api` over the web host: POST per call, one EventSource for all events. */
export function createHttpApi(baseUrl: string, token: string): Api {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let source: EventSource | null = null
  const ensureSource = () => {
    if (source) return
    source = new EventSource(`${baseUrl}/api/events?token=${encodeURIComponent(token)}`)
    for (const name of eventNames) {
      source.addEventListener(name, (ev) => {
        const payload: unknown = JSON.parse((ev as MessageEvent<string>).data)
        for (const l of listeners.get(name) ?? []) l(payload)
      })
    }
  }
  return {
    mediaUrl: (id: string) => `${baseUrl}/api/media/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`,
    async addFile(file: File) {
      // the browser cannot share a path: the file is uploaded to the host's data folder
      const res = await fetch(`${baseUrl}/api/upload?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { 'x-mp4totext-token': token, 'content-type': 'application/octet-stream' },
        body: file,
      })
      return unwrap((await res.json()) as Envelope<string>)
    },
    async invoke(channel: CallName, input: unknown) {
      const res = await fetch(`${baseUrl}/api/call/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mp4totext-token': token },
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
