import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { registerIpc, trustedUrlCheck, type IpcEventLike, type IpcMainLike } from '../../src/main/ipc-adapter'
import { ipcCallChannel } from '../../src/shared/transport'
import { isExternalHttpUrl, productionCsp, webPreferences } from '../../src/main/window-security'
import { createPreloadApi } from '../../src/preload/preload-api'
import { callNames } from '../../src/shared/contract'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>>()
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>) {
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel)
  }
  call(channel: string, url: string, input: unknown) {
    return this.handlers.get(ipcCallChannel(channel))!({ senderFrame: { url } }, input)
  }
}

const appFile = '/opt/MP4toText/resources/app.asar/out/renderer/index.html'

async function setup() {
  const core = await openCore({ dataDir: tempDir(), shell: 'electron', version: '1.2.3', systemLocale: 'tr-TR' })
  const ipc = new FakeIpcMain()
  const unregister = registerIpc(ipc, core.handlers, trustedUrlCheck(undefined, appFile))
  return { core, ipc, unregister }
}

describe('IPC adapter', () => {
  it('registers one handler per contract call and removes them all', async () => {
    const { ipc, unregister } = await setup()
    expect([...ipc.handlers.keys()].sort()).toEqual(callNames.map((n) => ipcCallChannel(n)).sort())
    unregister()
    expect(ipc.handlers.size).toBe(0)
  })

  it('serves a valid call from the app frame', async () => {
    const { ipc } = await setup()
    const res = await ipc.call('credits.topUp', `file://${appFile}#/credits`, { amount: 5, reason: 'x' })
    expect(res).toMatchObject({ ok: true, value: { balance: 1005 } })
  })

  it('rejects invalid input with the field named, and changes nothing', async () => {
    const { ipc, core } = await setup()
    const res = await ipc.call('credits.topUp', `file://${appFile}`, { amount: -5 })
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect((res as { error: { message: string } }).error.message).toMatch(/amount/)
    expect(core.credits.state().balance).toBe(1000)
  })

  it('refuses a foreign sender', async () => {
    const { ipc, core } = await setup()
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', '']) {
      const res = await ipc.call('credits.topUp', url, { amount: 5 })
      expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    }
    expect(core.credits.state().balance).toBe(1000)
  })

  it('trusts the dev server origin only in development', () => {
    const dev = trustedUrlCheck('http://localhost:5173', appFile)
    expect(dev('http://localhost:5173/#/models')).toBe(true)
    expect(dev('http://localhost:5174/')).toBe(false)
    expect(trustedUrlCheck(undefined, appFile)('http://localhost:5173/')).toBe(false)
  })

  it('maps core errors to {code, message}', async () => {
    const { ipc } = await setup()
    // valid input, so the error comes from the core itself (no such transcript), not from the schema
    const res = await ipc.call('transcripts.get', `file://${appFile}`, { id: 'no-such-transcript' })
    expect(res).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('no-such-transcript') } })
  })
})

describe('preload api', () => {
  it('invokes only contract channels, rethrows error codes, strips the event object and unsubscribes', async () => {
    const sent: [string, unknown][] = []
    let emit: ((name: string, payload: unknown) => void) | null = null
    let removed = false
    const api = createPreloadApi({
      invoke: async (channel, input) => {
        sent.push([channel, input])
        return channel.endsWith('credits.get')
          ? { ok: true, value: 7 }
          : { ok: false, error: { code: 'forbidden', message: 'no' } }
      },
      on: (_channel, listener) => {
        emit = listener
        return () => {
          removed = true
        }
      },
      pathForFile: () => '/home/ayşe/kayıt.mp4',
    })
    expect(await api.addFile({} as File)).toBe('/home/ayşe/kayıt.mp4')
    expect(api.mediaUrl('abc-1')).toBe('mp4totext-media://transcript/abc-1')
    expect(await api.invoke('credits.get', {})).toBe(7)
    await expect(api.invoke('settings.get', {})).rejects.toMatchObject({ code: 'forbidden', message: 'no' })
    await expect(api.invoke('fs.readFile' as never, {} as never)).rejects.toThrow(/Unknown call/)
    expect(sent.map((s) => s[0])).toEqual(['mp4totext:credits.get', 'mp4totext:settings.get'])
    const got: unknown[] = []
    const off = api.on('credits.changed', (p) => got.push(p))
    emit!('catalog.changed', { reason: 'x' })
    emit!('credits.changed', { balance: 3 })
    expect(got).toEqual([{ balance: 3 }])
    off()
    expect(removed).toBe(true)
    expect(() => api.on('nope' as never, () => undefined)).toThrow(/Unknown event/)
  })
})

describe('window security settings', () => {
  it('follow the Electron checklist', () => {
    expect(webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    })
    expect(productionCsp).not.toMatch(/unsafe-eval/)
    expect(productionCsp).toMatch(/default-src 'self'/)
    expect(isExternalHttpUrl('https://groq.com')).toBe(true)
    expect(isExternalHttpUrl('file:///etc/passwd')).toBe(false)
    expect(isExternalHttpUrl('javascript:alert(1)')).toBe(false)
  })
})
