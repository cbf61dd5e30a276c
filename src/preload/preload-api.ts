import { isCallName, isEventName, type Api, type Envelope } from '../shared/contract'
import { MEDIA_SCHEME } from '../shared/media-scheme'
import { IPC_EVENT_CHANNEL, ipcCallChannel, unwrap } from '../shared/transport'

export interface IpcRendererLike {
  invoke(channel: string, input: unknown): Promise<unknown>
  on(channel: string, listener: (name: string, payload: unknown) => void): () => void
  /** Electron's webUtils.getPathForFile: the real path of a picked or dropped file */
  pathForFile(file: File): string
}

/** `window.api`: only the contract's channels, errors re-thrown with their code. */
export function createPreloadApi(ipc: IpcRendererLike): Api {
  return {
    async invoke(channel, input) {
      if (!isCallName(channel)) throw new Error(`Unknown call: ${String(channel)}`)
      return unwrap((await ipc.invoke(ipcCallChannel(channel), input)) as Envelope<never>)
    },
    mediaUrl: (transcriptId) => `${MEDIA_SCHEME}://transcript/${encodeURIComponent(transcriptId)}`,
    async addFile(file) {
      const p = ipc.pathForFile(file)
      if (!p) throw new Error('This file has no path on disk')
      return p
    },
    on(event, listener) {
      if (!isEventName(event)) throw new Error(`Unknown event: ${String(event)}`)
      return ipc.on(IPC_EVENT_CHANNEL, (name, payload) => {
        if (name === event) listener(payload as never)
      })
    },
  }
}
