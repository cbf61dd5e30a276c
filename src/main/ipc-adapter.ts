import type { Handlers } from '../shared/contract'
import { callNames } from '../shared/contract'
import { dispatch } from '../shared/dispatch'
import { ipcCallChannel } from '../shared/transport'

/** The slice of Electron's ipcMain the adapter uses, so tests can pass a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>): void
  removeHandler(channel: string): void
}

export interface IpcEventLike {
  senderFrame: { url: string } | null
}

/**
 * Registers one ipcMain handler per contract call. A call is served only when it comes from the
 * app's own page (file:// in production, the dev server's origin in development); its input is
 * validated with the contract's zod schema, and every failure comes back as {code, message}.
 */
export function registerIpc(ipc: IpcMainLike, handlers: Handlers, isTrustedUrl: (url: string) => boolean): () => void {
  for (const name of callNames) {
    ipc.handle(ipcCallChannel(name), async (event, input) => {
      const url = event.senderFrame?.url ?? ''
      if (!isTrustedUrl(url)) {
        return { ok: false, error: { code: 'forbidden', message: 'IPC call from an untrusted frame' } }
      }
      return dispatch(handlers, name, input)
    })
  }
  return () => callNames.forEach((name) => ipc.removeHandler(ipcCallChannel(name)))
}

/** The renderer's own origin: the bundled file in production, the dev server in development. */
export function trustedUrlCheck(devServerUrl: string | undefined, rendererFile: string): (url: string) => boolean {
  const fileUrl = new URL(`file://${rendererFile.startsWith('/') ? '' : '/'}${rendererFile.replace(/\\/g, '/')}`).href
  return (url) => {
    if (devServerUrl && url.startsWith(new URL(devServerUrl).origin + '/')) return true
    return url.split('#')[0]!.split('?')[0] === fileUrl
  }
}
