import type { HandlersOf } from '../../shared/contract'
import type { EventBus } from '../event-bus'
import type { LocalLlmEngine } from './local-llm-engine'
import type { LocalLlmManager } from './local-llm-manager'

/** The built-in engine's models (import, download, delete) and its state. */
export function localLlmHandlers(deps: {
  manager: LocalLlmManager
  engine: LocalLlmEngine
  events: EventBus
}): HandlersOf<'localLlm'> {
  const { manager, engine, events } = deps
  // the catalog lists the built-in models: a change there is a catalog change
  const changed = <T>(v: T) => {
    events.emit('catalog.changed', { reason: 'local-models' })
    return v
  }
  return {
    'localLlm.list': async () => manager.list(),
    'localLlm.import': async ({ path }) => changed(await manager.importFile(path)),
    'localLlm.download': async ({ name }) => ({ started: manager.startDownload(name) }),
    'localLlm.cancelDownload': async ({ name }) => ({ cancelled: manager.cancelDownload(name) }),
    'localLlm.delete': async ({ name }) => changed(await manager.remove(name)),
    'localLlm.status': async () => engine.status(),
  }
}
