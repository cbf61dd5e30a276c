import type { SettingsPatch } from '../../../../shared/settings-types'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

export function useSettings() {
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const info = useCall('app.info', {})
  // the chat models a default can be chosen from
  const models = useCall('catalog.list', { includeInactive: false }, ['catalog.changed'])
  const { error, run } = useAction()
  /** Resolves to whether it was saved, so the field that changed can say so. */
  const save = (patch: SettingsPatch) => run(() => api.invoke('settings.set', patch))
  return { settings, info, models, save, error }
}
