import type { HandlersOf } from '../../shared/contract'
import type { ProvidersService } from './providers-service'

/** Keys (set, test, where they come from) and the local server's model list. */
export function providersHandlers(providers: ProvidersService): HandlersOf<'providers'> {
  return {
    'providers.status': async () => providers.status(),
    'providers.setKey': async ({ provider, key, allowWeakStorage }) => providers.setKey(provider, key, allowWeakStorage),
    'providers.testKey': async ({ provider }) => providers.testKey(provider),
    'providers.refreshLocalModels': async () => providers.refreshLocalModels(),
  }
}
