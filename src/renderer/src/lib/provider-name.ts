import i18next from 'i18next'
import type { ProviderId } from '../../../shared/catalog-types'
import { providers } from '../../../shared/providers'

/**
 * A provider as the page names it: a brand as the registry spells it in every language, the
 * local ones ("Local server", "Yerel sunucu") from the locale.
 */
export function providerName(id: ProviderId, t: (key: string) => string = (key) => i18next.t(key)): string {
  const info = providers[id]
  return info.translatedName ? t(`providers.${id}`) : info.name
}

/** A provider id that a core message carries, by its name; anything else as it is. */
export function providerNameOf(value: string): string {
  return value in providers ? providerName(value as ProviderId) : value
}
