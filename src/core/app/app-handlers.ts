import { stat } from 'node:fs/promises'
import type { HandlersOf } from '../../shared/contract'
import { modelsDirOf } from '../paths'
import type { Store } from '../store/store'

/** What the pages ask of the app itself: its version, shell and data folder, and opening folders. */
export function appHandlers(deps: {
  store: Store
  version: string
  dataDir: string
  shell: 'electron' | 'web' | 'cli'
  systemLocale: string
  openFolder?: (dir: string) => Promise<boolean>
}): HandlersOf<'app'> {
  const { store } = deps
  return {
    'app.info': async () => ({
      version: deps.version,
      dataDir: deps.dataDir,
      shell: deps.shell,
      systemLocale: deps.systemLocale,
      storeNotice: store.notice,
    }),
    'app.openFolder': async ({ which }) => {
      const dir = which === 'data' ? deps.dataDir : modelsDirOf(deps.dataDir, store.data.settings)
      // Settings may name any path as the models folder, and the OS opens (runs) a file it is
      // handed: only an existing directory goes on (the Electron shell checks again).
      const isDir = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      )
      return { opened: isDir && deps.openFolder ? await deps.openFolder(dir) : false, path: dir }
    },
  }
}
