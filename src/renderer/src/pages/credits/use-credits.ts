import { useState } from 'react'
import { api } from '../../lib/api'
import { useCall } from '../../lib/use-call'

export const LEDGER_PAGE_SIZE = 10

export function useCredits() {
  const [page, setPage] = useState(0)
  const state = useCall('credits.get', {}, ['credits.changed', 'settings.changed'])
  const history = useCall('credits.history', { page, pageSize: LEDGER_PAGE_SIZE }, ['credits.changed'])
  const [error, setError] = useState<string | null>(null)
  const [lastAdded, setLastAdded] = useState<number | null>(null)
  const pages = Math.max(1, Math.ceil((history.data?.total ?? 0) / LEDGER_PAGE_SIZE))

  const topUp = async (amount: number, reason: string) => {
    setError(null)
    try {
      await api.invoke('credits.topUp', { amount, reason })
      setLastAdded(amount)
      setPage(0)
    } catch (err) {
      setError((err as Error).message)
    }
  }
  return { state, history, page, pages, setPage, topUp, error, lastAdded }
}
