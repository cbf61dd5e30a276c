import type { ModelView } from '../../shared/catalog-types'
import type { SpeedSample } from '../../shared/enhance-types'
import type { EventBus } from '../event-bus'
import type { LlmClient } from '../providers/llm-client'
import { createBuiltinClient } from './builtin-client'
import { LocalLlmEngine } from './local-llm-engine'
import { LocalLlmManager } from './local-llm-manager'
import type { MemoryProbe } from './memory-fit'

export interface LocalLlmOptions {
  threads?: number
  idleMs?: number
  memory?: MemoryProbe
  fetchImpl?: typeof fetch
}

/** The built-in engine wired for the core: its models, its catalog rows and its client. */
export function openLocalLlm(
  modelsDir: () => string,
  events: EventBus,
  opts: LocalLlmOptions = {},
): {
  manager: LocalLlmManager
  engine: LocalLlmEngine
  views: (speedStats: Record<string, SpeedSample[]>) => ModelView[]
  builtin: { client: LlmClient; resolve: (modelId: string) => unknown }
  close: () => Promise<void>
} {
  const manager = new LocalLlmManager(modelsDir, {
    memory: opts.memory,
    fetchImpl: opts.fetchImpl,
    onDownload: (p) => {
      events.emit('localLlm.download', p)
      if (p.status === 'done') events.emit('catalog.changed', { reason: 'local-models' })
    },
  })
  const engine = new LocalLlmEngine({ threads: opts.threads, idleMs: opts.idleMs })
  return {
    manager,
    engine,
    views: (stats) => manager.views(stats),
    builtin: {
      client: createBuiltinClient(engine, async (id) => manager.resolve(id)),
      resolve: (id) => manager.resolve(id),
    },
    close: async () => {
      manager.cancelAll()
      await engine.close()
    },
  }
}
