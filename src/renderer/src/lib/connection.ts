import { useSyncExternalStore } from 'react'
import type { Api } from '../../../shared/contract'
import { ApiError } from '../../../shared/transport'

/**
 * Whether the app's host (the web host, or Electron's main process) answers. A call that cannot
 * reach it fails with HOST_UNREACHABLE; the page then shows one banner instead of an error in
 * every panel, keeps what it showed, and asks again until the host answers: then every panel
 * loads again (`onReconnect`).
 */
export const HOST_UNREACHABLE = 'host-unreachable'

/** While the host is down it is asked this often; Retry asks at once. */
const PROBE_EVERY_MS = 2_000
/** A call still unanswered after this has the host asked whether it is alive (Electron's main may hang). */
const SLOW_CALL_MS = 10_000
/** A liveness question unanswered after this means the host does not answer. */
const PROBE_TIMEOUT_MS = 5_000

export interface ConnectionState {
  down: boolean
  checking: boolean
}

let state: ConnectionState = { down: false, checking: false }
const listeners = new Set<() => void>()
const reconnectListeners = new Set<() => void>()
let timer: ReturnType<typeof setInterval> | null = null
let probeApi: Api | null = null

function set(next: Partial<ConnectionState>) {
  const was = state
  state = { ...state, ...next }
  if (state.down === was.down && state.checking === was.checking) return
  for (const l of listeners) l()
  if (was.down && !state.down) for (const l of reconnectListeners) l()
}

export const isUnreachable = (err: unknown) => err instanceof ApiError && err.code === HOST_UNREACHABLE

function markDown() {
  if (state.down) return
  set({ down: true })
  timer ??= setInterval(() => void retryConnection(), PROBE_EVERY_MS)
}

function markUp() {
  if (timer) clearInterval(timer)
  timer = null
  set({ down: false, checking: false })
}

/** Ask the host once whether it answers (the Retry button, and every few seconds while down). */
export async function retryConnection(): Promise<void> {
  if (!probeApi || state.checking) return
  set({ checking: true })
  const alive = await answers(probeApi)
  set({ checking: false })
  if (alive) markUp()
  else markDown()
}

async function answers(api: Api): Promise<boolean> {
  let timeout: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<false>((resolve) => (timeout = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)))
  try {
    return await Promise.race([api.invoke('app.info', {}).then(() => true as const), late])
  } catch (err) {
    // an answer, even a refusal, is the host answering
    return !isUnreachable(err)
  } finally {
    clearTimeout(timeout)
  }
}

/** `api` with every call watched: a failure to reach the host, or a hang, marks it down; any answer marks it up. */
export function watchConnection(api: Api): Api {
  probeApi = api
  const invoke = api.invoke.bind(api)
  const watched: Api['invoke'] = (async (channel: never, input: never) => {
    const slow = setTimeout(() => {
      void answers(api).then((alive) => (alive ? undefined : markDown()))
    }, SLOW_CALL_MS)
    try {
      const value: unknown = await invoke(channel, input)
      markUp()
      return value
    } catch (err) {
      if (isUnreachable(err)) markDown()
      else markUp()
      throw err
    } finally {
      clearTimeout(slow)
    }
  }) as Api['invoke']
  return { ...api, invoke: watched }
}

/** Something other than a call saw the host go (the event stream) or come back. */
export const connectionEvents = { down: markDown, up: () => (state.down ? void retryConnection() : undefined) }

export function onReconnect(fn: () => void): () => void {
  reconnectListeners.add(fn)
  return () => reconnectListeners.delete(fn)
}

export function useConnection(): ConnectionState {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    () => state,
  )
}
