import { useState } from 'react'
import type { SettingsPatch } from '../../../../shared/settings-types'
import { api } from '../../lib/api'
import { useCall } from '../../lib/use-call'

export function useSettings() {
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const info = useCall('app.info', {})
  const [saved, setSaved] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const save = async (patch: SettingsPatch) => {
    setSaved(false)
    setError(null)
    try {
      await api.invoke('settings.set', patch)
      setSaved(true)
    } catch (err) {
      setError((err as Error).message)
    }
  }
  return { settings, info, save, saved, error }
}
