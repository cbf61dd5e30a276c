import { useState } from 'react'
import { useCall } from '../../lib/use-call'

export function useModels() {
  const catalog = useCall('catalog.list', { includeInactive: true }, ['catalog.changed'])
  const credits = useCall('credits.get', {}, ['credits.changed'])
  const [selected, setSelected] = useState<string | null>(null)
  const all = catalog.data ?? []
  return {
    catalog,
    credits,
    active: all.filter((m) => m.active && m.kind === 'chat'),
    /** speech-to-text rows in use: offered on the Transcribe page, never for enhancement */
    transcription: all.filter((m) => m.active && m.kind === 'transcription'),
    inactive: all.filter((m) => !m.active),
    balance: credits.data?.balance ?? 0,
    selected,
    setSelected,
  }
}
