import type { Envelope } from './contract'

/**
 * The wire facts every transport shares, in one place: Electron's IPC channels (main ↔ preload)
 * and the web host's routes and token (web host ↔ renderer), and the one error a call's failed
 * envelope becomes on the page side, whichever transport carried it.
 */

/** Each contract call is the IPC channel `mp4totext:<call>`; events travel on one channel. */
export const IPC_PREFIX = 'mp4totext:'
export const ipcCallChannel = (call: string) => IPC_PREFIX + call
export const IPC_EVENT_CHANNEL = `${IPC_PREFIX}event`

/** The web host's API: every route needs the token, as this header or (EventSource, media) the query. */
export const API_PREFIX = '/api/'
export const TOKEN_HEADER = 'x-mp4totext-token'
export const TOKEN_QUERY = 'token'
/** The event stream's query names the page load it serves: when it closes, that page is gone. */
export const PAGE_QUERY = 'page'
export const apiRoutes = {
  call: (name: string) => `${API_PREFIX}call/${name}`,
  events: `${API_PREFIX}events`,
  upload: `${API_PREFIX}upload`,
  media: (transcriptId: string) => `${API_PREFIX}media/${encodeURIComponent(transcriptId)}`,
} as const
/** Parse a request path back into a route (the host's side of `apiRoutes`). */
export const apiRoutePatterns = {
  call: /^\/api\/call\/([\w.]+)$/,
  media: /^\/api\/media\/([\w-]+)$/,
} as const

/** A call's failure on the page side: `code` is the contract's error code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** the message's key and values, for the renderer to word (see errorKeys) */
    readonly key?: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** An envelope's value, or its error thrown as an ApiError. */
export function unwrap<T>(env: Envelope<T>): T {
  if (env.ok) return env.value
  throw new ApiError(env.error.code, env.error.message, env.error.key, env.error.params)
}
