import { useMemo } from 'react'
import type { ProviderId } from '../../../shared/catalog-types'
import { useCall } from './use-call'

/**
 * Providers that need an API key and have none. A local server (custom) works without one, so
 * it is never listed.
 */
export function useMissingKeys(): ReadonlySet<ProviderId> {
  const status = useCall('providers.status', {}, ['settings.changed'])
  return useMemo(
    () => new Set((status.data ?? []).filter((s) => !s.keySet && s.provider !== 'custom').map((s) => s.provider)),
    [status.data],
  )
}
