import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import {
  devServerUrl,
  KEY_CONFIRM_SEND,
  keyConfirmDialog,
  LEAVE_CONFIRM_LEAVE,
  leaveWhileRecordingDialog,
  openFolderSafely,
  type FolderShell,
} from '../../src/main/shell-guards'
import { closeBeforeQuit, startMain, type MainAppLike, type QuitAppLike } from '../../src/main/start-main'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

// Electron itself cannot be launched here: these are the main process's decisions, as pure
// functions, driven with fakes for the app and the shell and with the real core.

class FakeApp implements MainAppLike {
  calls: string[] = []
  constructor(private readonly lock: boolean) {}
  requestSingleInstanceLock() {
    this.calls.push('lock')
    return this.lock
  }
  quit() {
    this.calls.push('quit')
  }
  async whenReady() {
    this.calls.push('ready')
  }
}

describe('start-up (single instance)', () => {
  it('a second instance quits before it registers anything or opens the data folder', async () => {
    const dataDir = tempDir()
    const app = new FakeApp(false)
    const steps: string[] = []
    const core = await startMain(app, {
      beforeReady: () => steps.push('beforeReady'),
      openCore: async () => {
        steps.push('openCore')
        return openCore({ dataDir, shell: 'electron', version: 't', systemLocale: 'en' })
      },
      onReady: () => steps.push('onReady'),
      onOpenFailed: () => steps.push('onOpenFailed'),
    })
    expect(core).toBeNull()
    expect(app.calls).toEqual(['lock', 'quit'])
    expect(steps).toEqual([])
    expect(readdirSync(dataDir)).toEqual([]) // no db.json, no backup, no lock: nothing touched
  })

  it('the first instance opens the core after ready, then the window', async () => {
    const dataDir = tempDir()
    const app = new FakeApp(true)
    const steps: string[] = []
    const core = await startMain<Core>(app, {
      beforeReady: () => steps.push('beforeReady'),
      openCore: async () => {
        steps.push(`openCore after ${app.calls.join(',')}`)
        return openCore({ dataDir, shell: 'electron', version: 't', systemLocale: 'en' })
      },
      onReady: (c) => steps.push(`onReady ${c.credits.state().balance}`),
      onOpenFailed: () => steps.push('onOpenFailed'),
    })
    expect(core).not.toBeNull()
    expect(steps).toEqual(['beforeReady', 'openCore after lock,ready', 'onReady 1000'])
    expect(existsSync(path.join(dataDir, 'db.json'))).toBe(true)
    await core!.close()
  })

  it('a core that cannot open is reported and the app quits', async () => {
    const app = new FakeApp(true)
    const reported: string[] = []
    const core = await startMain(app, {
      beforeReady: () => undefined,
      openCore: () => Promise.reject(new Error('db.json was written by a newer version')),
      onReady: () => reported.push('onReady'),
      onOpenFailed: (err) => reported.push(err.message),
    })
    expect(core).toBeNull()
    expect(reported).toEqual(['db.json was written by a newer version'])
    expect(app.calls).toEqual(['lock', 'ready', 'quit'])
  })
})

describe('quitting', () => {
  class QuittingApp implements QuitAppLike {
    listener: ((e: { preventDefault(): void }) => void) | null = null
    /** quits that went through (nothing held them) */
    ended = 0
    on(_event: 'before-quit', fn: (e: { preventDefault(): void }) => void) {
      this.listener = fn
    }
    /** Electron's quit: the listeners run, and unless one prevented it the app ends */
    quit(): 'prevented' | 'quits' {
      let prevented = false
      this.listener?.({ preventDefault: () => (prevented = true) })
      if (prevented) return 'prevented'
      this.ended++
      return 'quits'
    }
  }

  it('waits for the core to close (runs settled, files closed) before the app ends', async () => {
    const app = new QuittingApp()
    let closed!: () => void
    const close = vi.fn(() => new Promise<void>((r) => (closed = r)))
    closeBeforeQuit(app, close)
    expect(app.quit()).toBe('prevented')
    // a second Cmd+Q while closing does not close twice, nor end the app early
    expect(app.quit()).toBe('prevented')
    expect(close).toHaveBeenCalledTimes(1)
    await Promise.resolve()
    expect(app.ended).toBe(0)
    closed()
    await vi.waitFor(() => expect(app.ended).toBe(1))
  })

  it('ends the app after a time limit when closing hangs, and when it fails', async () => {
    vi.useFakeTimers()
    try {
      const hung = new QuittingApp()
      closeBeforeQuit(hung, () => new Promise<void>(() => undefined), 10_000)
      hung.quit()
      await vi.advanceTimersByTimeAsync(9_999)
      expect(hung.ended).toBe(0)
      await vi.advanceTimersByTimeAsync(1)
      expect(hung.ended).toBe(1)
      const failing = new QuittingApp()
      closeBeforeQuit(failing, () => Promise.reject(new Error('disk gone')))
      failing.quit()
      await vi.advanceTimersByTimeAsync(0)
      expect(failing.ended).toBe(1)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('dev server URL', () => {
  it('is honoured only in an unpackaged (development) run', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' }
    expect(devServerUrl({ isPackaged: false }, env)).toBe('http://localhost:5173')
    expect(devServerUrl({ isPackaged: true }, env)).toBeUndefined()
    expect(devServerUrl({ isPackaged: false }, {})).toBeUndefined()
  })
})

class FakeShell implements FolderShell {
  opened: string[] = []
  revealed: string[] = []
  async openPath(p: string) {
    this.opened.push(p)
    return ''
  }
  showItemInFolder(p: string) {
    this.revealed.push(p)
  }
}

describe('opening folders', () => {
  it('opens an existing directory, never a file or a missing path', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'run-me.sh')
    writeFileSync(file, '#!/bin/sh\necho pwned\n')
    const shell = new FakeShell()
    expect(await openFolderSafely(dir, shell, 'linux')).toBe(true)
    expect(await openFolderSafely(file, shell, 'linux')).toBe(false)
    expect(await openFolderSafely(path.join(dir, 'missing'), shell, 'linux')).toBe(false)
    expect(await openFolderSafely('relative/dir', shell, 'linux')).toBe(false)
    expect(shell.opened).toEqual([dir])
  })

  it('on macOS only reveals a folder that is a bundle (opening Calculator.app would launch it)', async () => {
    const bundle = path.join(tempDir(), 'Calculator.app')
    mkdirSync(bundle)
    const shell = new FakeShell()
    expect(await openFolderSafely(bundle, shell, 'darwin')).toBe(true)
    expect(shell.opened).toEqual([])
    expect(shell.revealed).toEqual([bundle])
  })

  it('app.openFolder never hands a file named as the models folder to the shell', async () => {
    const dataDir = tempDir()
    const file = path.join(tempDir(), 'evil.desktop')
    writeFileSync(file, '[Desktop Entry]\nExec=sh -c pwned\n')
    const handed: string[] = []
    const core = await openCore({
      dataDir,
      shell: 'electron',
      version: 't',
      systemLocale: 'en',
      openFolder: async (dir) => {
        handed.push(dir)
        return true
      },
    })
    await core.handlers['settings.set']({ modelsDir: file })
    expect(await core.handlers['app.openFolder']({ which: 'models' })).toEqual({ opened: false, path: file })
    expect(await core.handlers['app.openFolder']({ which: 'data' })).toEqual({ opened: true, path: dataDir })
    expect(handed).toEqual([dataDir])
  })
})

describe('asking before a key goes to another URL', () => {
  it('is a native warning whose default and Escape answer is "do not send"', () => {
    const d = keyConfirmDialog('openai', 'http://127.0.0.1:9/v1', 'https://api.openai.com', 'en-US')
    expect(d.type).toBe('warning')
    expect(d.defaultId).toBe(d.cancelId)
    expect(d.defaultId).not.toBe(KEY_CONFIRM_SEND)
    expect(d.message).toContain('http://127.0.0.1:9/v1')
    expect(d.detail).toContain('https://api.openai.com')
    expect(d.buttons[KEY_CONFIRM_SEND]).toMatch(/send/i)
    const tr = keyConfirmDialog('openai', 'http://127.0.0.1:9/v1', 'https://api.openai.com', 'tr-TR')
    expect(tr.buttons[KEY_CONFIRM_SEND]).toMatch(/gönder/i)
  })
})

describe('asking before a recording page unloads', () => {
  it("is a native warning whose default and Escape answer is to stay, in the user's language", () => {
    const d = leaveWhileRecordingDialog('en')
    expect(d.type).toBe('warning')
    expect(d.defaultId).toBe(d.cancelId)
    expect(d.defaultId).not.toBe(LEAVE_CONFIRM_LEAVE)
    expect(d.detail).toMatch(/kept/)
    expect(leaveWhileRecordingDialog('tr').buttons[LEAVE_CONFIRM_LEAVE]).toBe('Çık')
  })
})
