import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron'
import { createPreloadApi } from './preload-api'

contextBridge.exposeInMainWorld(
  'api',
  createPreloadApi({
    invoke: (channel, input) => ipcRenderer.invoke(channel, input),
    pathForFile: (file) => webUtils.getPathForFile(file),
    on: (channel, listener) => {
      // The Electron event object never reaches the page: only (name, payload).
      const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload)
      ipcRenderer.on(channel, wrapped)
      return () => ipcRenderer.removeListener(channel, wrapped)
    },
  }),
)
