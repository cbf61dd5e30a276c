import { useState } from 'react'
import type { ProviderId } from '../../../../shared/catalog-types'
import type { CallOutput } from '../../../../shared/contract'
import type { Settings } from '../../../../shared/settings-types'
import { api } from '../../lib/api'
import { errorText } from '../../lib/error-text'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

/** Key status (never the key), test results per provider, base URLs and the local server. */
export function useProviders() {
  const status = useCall('providers.status', {}, ['settings.changed'])
  const settings = useCall('settings.get', {}, ['settings.changed'])
  const [tests, setTests] = useState<Partial<Record<ProviderId, CallOutput<'providers.testKey'> | 'pending'>>>({})
  const { error, run: guard } = useAction()
  const [localCount, setLocalCount] = useState<number | null>(null)
  return {
    status,
    settings,
    tests,
    error,
    localCount,
    saveKey: (provider: ProviderId, key: string | null, confirmWeak: (message: string) => boolean) =>
      guard(async () => {
        try {
          await api.invoke('providers.setKey', { provider, key })
        } catch (err) {
          // no OS keyring: store weakly only when the user says so (asked in the UI's language)
          if ((err as { code?: string }).code !== 'needs-confirmation' || !confirmWeak(errorText(err))) throw err
          await api.invoke('providers.setKey', { provider, key, allowWeakStorage: true })
        }
        status.reload()
      }),
    testKey: (provider: ProviderId) =>
      guard(async () => {
        setTests((t) => ({ ...t, [provider]: 'pending' }))
        const r = await api.invoke('providers.testKey', { provider })
        setTests((t) => ({ ...t, [provider]: r }))
      }),
    /** one provider's URL; the others are sent as they are stored */
    saveBaseUrl: (provider: ProviderId, url: string | null) =>
      guard(async () => {
        const current = settings.data?.baseUrls
        if (!current) throw new Error('settings not loaded')
        await api.invoke('settings.set', { baseUrls: { ...current, [provider]: url } })
        status.reload()
      }),
    setGroqTier: (groqTier: Settings['groqTier']) => guard(() => api.invoke('settings.set', { groqTier })),
    refreshLocal: () => guard(async () => setLocalCount((await api.invoke('providers.refreshLocalModels', {})).length)),
  }
}
