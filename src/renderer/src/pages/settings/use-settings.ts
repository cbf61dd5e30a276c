import { useState } from 'react'
import type { SettingsPatch } from '../../../../shared/settings-types'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

export function useSettings() {
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const info = useCall('app.info', {})
  const [saved, setSaved] = useState(false)
  const { error, run } = useAction()
  const save = async (patch: SettingsPatch) => {
    setSaved(false)
    setSaved(await run(() => api.invoke('settings.set', patch)))
  }
  return { settings, info, save, saved, error }
}
