import { useCallback, useEffect, useRef, useState } from 'react'
import type { CallInput, CallName, CallOutput, EventName } from '../../../shared/contract'
import { api } from './api'
import { isUnreachable, onReconnect } from './connection'

export interface CallState<T> {
  data: T | undefined
  error: Error | undefined
  loading: boolean
  reload: () => void
}

/** Run a contract call, and run it again whenever one of `refreshOn` fires. */
export function useCall<K extends CallName>(
  channel: K,
  input: CallInput<K>,
  refreshOn: EventName[] = [],
): CallState<CallOutput<K>> {
  const [data, setData] = useState<CallOutput<K>>()
  const [error, setError] = useState<Error>()
  const [loading, setLoading] = useState(true)
  const key = JSON.stringify(input)
  const seq = useRef(0)

  const reload = useCallback(() => {
    const mine = ++seq.current
    setLoading(true)
    api
      .invoke(channel, JSON.parse(key) as CallInput<K>)
      .then((value) => {
        if (mine !== seq.current) return
        setData(value)
        setError(undefined)
      })
      .catch((err: unknown) => {
        // a host that does not answer is the connection banner's to say, once for the page;
        // what the panel showed stays, and it loads again when the host is back
        if (mine === seq.current && !isUnreachable(err)) setError(err as Error)
      })
      .finally(() => mine === seq.current && setLoading(false))
  }, [channel, key])

  useEffect(reload, [reload])
  useEffect(() => onReconnect(reload), [reload])
  const events = refreshOn.join(',')
  useEffect(() => {
    const offs = events ? events.split(',').map((e) => api.on(e as EventName, reload)) : []
    return () => offs.forEach((off) => off())
  }, [events, reload])

  return { data, error, loading, reload }
}
