import type { ModelView } from '../../shared/catalog-types'
import type { EventBus } from '../event-bus'
import type { Store } from '../store/store'

const SPEED_SAMPLES_KEPT = 20

/**
 * What this machine learned about each model: its measured speed (rolling samples shown as the
 * "measured here" badge) and whether the provider said it no longer exists (404).
 */
export class ModelHealth {
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
  ) {}

  async addSpeedSample(key: string, ttftMs: number, tokensPerSec: number): Promise<void> {
    await this.store.mutate((db) => {
      const list = (db.speedStats[key] ??= [])
      list.push({ at: new Date().toISOString(), ttftMs: Math.round(ttftMs), tokensPerSec: Math.round(tokensPerSec * 10) / 10 })
      db.speedStats[key] = list.slice(-SPEED_SAMPLES_KEPT)
    })
    this.events.emit('catalog.changed', { reason: 'speed' })
  }

  async markUnavailable(model: ModelView, message: string): Promise<void> {
    await this.store.mutate((db) => {
      db.unavailableModels[model.key] = { at: new Date().toISOString(), message }
    })
    this.events.emit('catalog.changed', { reason: 'model-unavailable' })
  }
}
