import { useCallback, useState } from 'react'
import { errorText } from './error-text'

/**
 * Run a user action and keep its failure as a message for the page: the one place that clears
 * the last error, awaits, and turns a thrown error into text.
 */
export function useAction() {
  const [error, setError] = useState<string | null>(null)
  const run = useCallback(async (fn: () => Promise<unknown>): Promise<boolean> => {
    setError(null)
    try {
      await fn()
      return true
    } catch (err) {
      setError(errorText(err))
      return false
    }
  }, [])
  return { error, run }
}
