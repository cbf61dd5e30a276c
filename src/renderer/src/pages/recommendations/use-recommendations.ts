import { useCall } from '../../lib/use-call'

export function useRecommendations() {
  return useCall('catalog.recommendations', {}, ['catalog.changed', 'settings.changed'])
}
