import { useEffect, useState } from 'react'
import type { EventPayload } from '../../../../shared/contract'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

type Download = EventPayload<'models.download'>

/** Whisper models: list, live download progress, delete, import, and the default for new jobs. */
export function useWhisperModels() {
  const list = useCall('models.list', {}, ['models.download'])
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const [downloads, setDownloads] = useState<Record<string, Download>>({})
  const { error, run } = useAction()
  useEffect(() => api.on('models.download', (d) => setDownloads((all) => ({ ...all, [d.name]: d }))), [])
  const guard = (fn: () => Promise<unknown>) => void run(fn)
  return {
    list,
    downloads,
    error,
    defaultModel: settings.data?.whisperModel ?? null,
    download: (name: string) => guard(() => api.invoke('models.download', { name })),
    cancel: (name: string) => guard(() => api.invoke('models.cancelDownload', { name })),
    remove: (name: string) => guard(() => api.invoke('models.delete', { name }).then(list.reload)),
    useAsDefault: (name: string) => guard(() => api.invoke('settings.set', { whisperModel: name })),
    /** `then`: another list of the models (the Transcribe page's) to refresh as well */
    importFile: (file: File, then?: () => void) =>
      guard(async () => {
        await api.invoke('models.import', { path: await api.addFile(file) })
        list.reload()
        then?.()
      }),
  }
}
