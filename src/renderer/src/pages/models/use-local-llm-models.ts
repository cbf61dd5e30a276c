import { useEffect, useState } from 'react'
import type { EventPayload } from '../../../../shared/contract'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

type Download = EventPayload<'localLlm.download'>

/** The built-in engine's GGUF models: list, live download progress, delete and import. */
export function useLocalLlmModels() {
  const list = useCall('localLlm.list', {}, ['localLlm.download', 'catalog.changed'])
  const [downloads, setDownloads] = useState<Record<string, Download>>({})
  const { error, run } = useAction()
  useEffect(() => api.on('localLlm.download', (d) => setDownloads((all) => ({ ...all, [d.name]: d }))), [])
  const guard = (fn: () => Promise<unknown>) => void run(fn)
  return {
    list,
    downloads,
    error,
    download: (name: string) => guard(() => api.invoke('localLlm.download', { name })),
    cancel: (name: string) => guard(() => api.invoke('localLlm.cancelDownload', { name })),
    remove: (name: string) => guard(() => api.invoke('localLlm.delete', { name }).then(list.reload)),
    importFile: (file: File) =>
      guard(async () => api.invoke('localLlm.import', { path: await api.addFile(file) }).then(list.reload)),
  }
}
