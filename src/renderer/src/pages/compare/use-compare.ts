import { useCall } from '../../lib/use-call'

export function useCompare() {
  return useCall('catalog.compare', {}, ['catalog.changed', 'settings.changed'])
}
