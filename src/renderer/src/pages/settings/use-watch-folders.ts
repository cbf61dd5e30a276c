import { useState } from 'react'
import type { CallInput } from '../../../../shared/contract'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useCall } from '../../lib/use-call'

/** The watch-folder list, the files handled lately, and the edits. */
export function useWatchFolders() {
  const folders = useCall('watch.list', {}, ['settings.changed'])
  const recent = useCall('watch.status', { limit: 10 }, ['watch.file', 'settings.changed'])
  // whether each folder is watched right now (a deleted folder is not)
  const states = useCall('watch.states', {}, ['watch.folder', 'settings.changed'])
  const [error, setError] = useState<string | null>(null)
  const run = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setError(null)
    try {
      await fn()
      folders.reload()
      return true
    } catch (err) {
      setError(errorText(err))
      return false
    }
  }
  return {
    folders: folders.data ?? [],
    recent: recent.data ?? [],
    stateOf: (id: string) => states.data?.find((s) => s.id === id) ?? null,
    error,
    setError,
    add: (input: CallInput<'watch.add'>) => run(() => api.invoke('watch.add', input)),
    remove: (id: string) => run(() => api.invoke('watch.remove', { id })),
    setEnabled: (id: string, enabled: boolean) => run(() => api.invoke('watch.setEnabled', { id, enabled })),
  }
}
