import { useState } from 'react'
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

  const topUp = (amount: number, reason: string) =>
    run(async () => {
      await api.invoke('credits.topUp', { amount, reason })
      setLastAdded(amount)
      setPage(0)
    })
  return { state, history, page, pages, setPage, topUp, error, lastAdded }
}
