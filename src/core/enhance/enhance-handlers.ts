import { randomUUID } from 'node:crypto'
import type { HandlersOf } from '../../shared/contract'
import type { Store } from '../store/store'
import type { EnhanceService } from './enhance-service'

/** Enhancement runs (one model or side by side) and the prompts the user saved for them. */
export function enhanceHandlers(deps: { enhance: EnhanceService; store: Store }): HandlersOf<'enhance' | 'prompts'> {
  const { enhance, store } = deps
  return {
    'enhance.start': async (req) => enhance.start(req),
    'enhance.cancel': async ({ id }) => ({ cancelled: enhance.cancel(id) }),
    'enhance.history': async ({ limit }) => enhance.history(limit),
    'enhance.output': async ({ id }) => enhance.output(id),
    'enhance.compare': async ({ models, ...rest }) => enhance.compare(rest, models),
    'prompts.list': async () => store.data.savedPrompts,
    'prompts.save': async ({ name, prompt }) =>
      store.mutate((db) => {
        // saving under an existing name replaces that prompt
        db.savedPrompts = [...db.savedPrompts.filter((p) => p.name !== name), { id: randomUUID(), name, prompt }]
        return db.savedPrompts
      }),
    'prompts.delete': async ({ id }) =>
      store.mutate((db) => {
        db.savedPrompts = db.savedPrompts.filter((p) => p.id !== id)
        return db.savedPrompts
      }),
  }
}
