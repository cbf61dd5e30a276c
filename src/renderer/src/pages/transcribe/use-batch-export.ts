import { useState } from 'react'
import type { ExportFormat } from '../../../../shared/transcribe-types'
import { api } from '../../lib/api'
import { downloadBase64 } from '../../lib/download'
import { errorText } from '../../lib/error-text'

/** Transcripts chosen in the history, exported together in one format as one zip. */
export function useBatchExport() {
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [format, setFormat] = useState<ExportFormat>('srt')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })
  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      const { fileName, base64 } = await api.invoke('transcripts.exportMany', { ids: [...selected], format })
      downloadBase64(fileName, base64, 'application/zip')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return { selected, toggle, clear: () => setSelected(new Set()), format, setFormat, busy, error, run }
}
