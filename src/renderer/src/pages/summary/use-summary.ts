import { useCall } from '../../lib/use-call'

export function useSummary() {
  return useCall('catalog.summary', {}, ['catalog.changed', 'settings.changed'])
}
