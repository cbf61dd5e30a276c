import type { HandlersOf } from '../../shared/contract'
import type { ProvidersService } from '../providers/providers-service'
import type { CatalogService } from './catalog-service'

/** The catalog's contract calls: the models with their credits, the comparisons, the 404 re-check. */
export function catalogHandlers(deps: { catalog: CatalogService; providers: ProvidersService }): HandlersOf<'catalog'> {
  const { catalog, providers } = deps
  return {
    'catalog.list': async ({ includeInactive }) => catalog.list(includeInactive),
    'catalog.summary': async () => catalog.summary(),
    'catalog.compare': async () => catalog.compare(),
    'catalog.recheck': async ({ key }) => providers.recheck(key),
    'catalog.recommendations': async () => catalog.recommendations(),
  }
}
