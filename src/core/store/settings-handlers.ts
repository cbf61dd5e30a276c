import type { HandlersOf } from '../../shared/contract'
import { Settings } from '../../shared/settings-types'
import type { CreditsService } from '../credits/credits-service'
import type { EventBus } from '../event-bus'
import type { Store } from './store'

/** Settings: read, and a patch saved whole; the pages that show what changed are told. */
export function settingsHandlers(deps: { store: Store; events: EventBus; credits: CreditsService }): HandlersOf<'settings'> {
  const { store, events, credits } = deps
  return {
    'settings.get': async () => store.data.settings,
    'settings.set': async (patch) => {
      const next = await store.mutate((db) => {
        db.settings = Settings.parse({ ...db.settings, ...patch })
        return db.settings
      })
      events.emit('settings.changed', next)
      if (patch.baseCredits !== undefined) events.emit('catalog.changed', { reason: 'baseCredits' })
      if (patch.lowBalanceThreshold !== undefined) events.emit('credits.changed', credits.state())
      return next
    },
  }
}
