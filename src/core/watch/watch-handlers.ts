import { randomUUID } from 'node:crypto'
import path from 'node:path'
import type { WatchFolder } from '../../shared/calls/watch-calls'
import type { HandlersOf } from '../../shared/contract'
import { keyedError } from '../../shared/errors'
import type { EventBus } from '../event-bus'
import type { Store } from '../store/store'
import { checkFolders } from './folder-check'
import type { WatchService } from './watch-service'

/** The watch.* contract calls: the list lives in the settings; the service follows it. */
export function watchHandlers(deps: {
  store: Store
  events: EventBus
  dataDir: string
  service: WatchService
}): HandlersOf<'watch'> {
  const saveList = async (fn: (list: WatchFolder[]) => WatchFolder[]) => {
    const settings = await deps.store.mutate((db) => {
      db.settings.watchFolders = fn(db.settings.watchFolders)
      return db.settings
    })
    deps.events.emit('settings.changed', settings)
    return settings.watchFolders
  }
  return {
    'watch.list': async () => deps.store.data.settings.watchFolders,
    'watch.add': async (f) => {
      const dir = path.resolve(f.dir)
      await checkFolders(f.dir, f.outDir, deps.dataDir, f.recursive)
      if (deps.store.data.settings.watchFolders.some((w) => path.resolve(w.dir) === dir))
        throw keyedError('invalid-input', 'folder-already-watched', { path: dir }, `${dir} is already watched`)
      return saveList((list) => [
        ...list,
        { ...f, id: randomUUID(), dir, outDir: f.outDir && path.resolve(f.outDir), enabled: true },
      ])
    },
    'watch.remove': async ({ id }) => saveList((list) => list.filter((w) => w.id !== id)),
    'watch.setEnabled': async ({ id, enabled }) => saveList((list) => list.map((w) => (w.id === id ? { ...w, enabled } : w))),
    'watch.status': async ({ limit }) => deps.service.records(limit),
    'watch.states': async () => deps.service.states(deps.store.data.settings.watchFolders),
  }
}
