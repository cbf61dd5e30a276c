import type { ModelView } from '../../shared/catalog-types'
import type { EventBus } from '../event-bus'
import type { Store } from '../store/store'

const SPEED_SAMPLES_KEPT = 20

/**
 * How long one "no longer offered" (404) holds a model back. A 404 can be a provider's passing
 * hiccup or a renamed route that is fixed the next day; after this the next use checks again.
 */
export const UNAVAILABLE_MARK_MS = 24 * 3600_000

type Mark = { at: string; message: string }

/** The mark while it still holds; null once it has expired (or was never set). */
export function standingMark(mark: Mark | undefined, now = Date.now()): Mark | null {
  if (!mark) return null
  const at = Date.parse(mark.at)
  return Number.isFinite(at) && now - at < UNAVAILABLE_MARK_MS ? mark : null
}

/**
 * What this machine learned about each model: its measured speed (rolling samples shown as the
 * "measured here" badge) and whether the provider said it no longer exists (404).
 */
export class ModelHealth {
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
  ) {}

  async addSpeedSample(key: string, ttftMs: number, tokensPerSec: number, estimated = false): Promise<void> {
    await this.store.mutate((db) => {
      const list = (db.speedStats[key] ??= [])
      list.push({
        at: new Date().toISOString(),
        ttftMs: Math.round(ttftMs),
        tokensPerSec: Math.round(tokensPerSec * 10) / 10,
        ...(estimated ? { estimated: true } : {}),
      })
      db.speedStats[key] = list.slice(-SPEED_SAMPLES_KEPT)
    })
    this.events.emit('catalog.changed', { reason: 'speed' })
  }

  async markUnavailable(model: Pick<ModelView, 'key'>, message: string): Promise<void> {
    await this.store.mutate((db) => {
      db.unavailableModels[model.key] = { at: new Date().toISOString(), message }
    })
    this.events.emit('catalog.changed', { reason: 'model-unavailable' })
  }

  /** The provider lists the model again (the user asked to check): it is offered again. */
  async clearUnavailable(key: string): Promise<void> {
    await this.store.mutate((db) => {
      delete db.unavailableModels[key]
    })
    this.events.emit('catalog.changed', { reason: 'model-available' })
  }
}
