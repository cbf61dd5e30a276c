import { useRef, useState } from 'react'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

export const LEDGER_PAGE_SIZE = 10

export function useCredits() {
  const [page, setPage] = useState(0)
  const state = useCall('credits.get', {}, ['credits.changed', 'settings.changed'])
  const history = useCall('credits.history', { page, pageSize: LEDGER_PAGE_SIZE }, ['credits.changed'])
  const { error, run } = useAction()
  const [lastAdded, setLastAdded] = useState<number | null>(null)
  const pages = Math.max(1, Math.ceil((history.data?.total ?? 0) / LEDGER_PAGE_SIZE))

  // One id per top-up the user asked for: sending it again after an error (the answer may have
  // been lost after the credits were added) can never add them twice.
  const pending = useRef<{ key: string; requestId: string } | null>(null)
  const topUp = (amount: number, reason: string) =>
    run(async () => {
      const key = `${amount}\n${reason}`
      if (pending.current?.key !== key) pending.current = { key, requestId: crypto.randomUUID() }
      await api.invoke('credits.topUp', { amount, reason, requestId: pending.current.requestId })
      pending.current = null
      setLastAdded(amount)
      setPage(0)
    })
  return { state, history, page, pages, setPage, topUp, error, lastAdded }
}
