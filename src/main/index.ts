import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  app,
  BrowserWindow,
  desktopCapturer,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  utilityProcess,
} from 'electron'
import { openCore } from '../core/app-core'
import { useChildLauncher } from '../core/runtime/native-child'
import { mediaFileResponse } from '../core/media/regular-file'
import { registerIpc, trustedUrlCheck } from './ipc-adapter'
import { IPC_EVENT_CHANNEL } from '../shared/transport'
import { SafeStorageKeyStore } from './safe-storage-key-store'
import {
  devServerUrl,
  KEY_CONFIRM_SEND,
  keyConfirmDialog,
  LEAVE_CONFIRM_LEAVE,
  leaveWhileRecordingDialog,
  openFolderSafely,
} from './shell-guards'
import { closeBeforeQuit, startMain } from './start-main'
import { loadBounds, mediaFilesFromArgv, saveBounds } from './window-state'
import type { Core } from '../core/app-core'
import type { ProviderId } from '../shared/catalog-types'
import { MEDIA_SCHEME } from '../shared/media-scheme'
import { isExternalHttpUrl, productionCsp, webPreferences } from './window-security'
import { installMediaPermissions, loopbackSupported } from './media-permissions'
import { utilityLauncher } from './utility-launcher'
import { electronUpdates } from './updates'

app.setName('MP4toText')

let mainWindow: BrowserWindow | null = null
const here = path.dirname(fileURLToPath(import.meta.url))
const rendererFile = path.join(here, '../renderer/index.html')
const devUrl = devServerUrl(app, process.env)

let core: Core | null = null
const stateFile = () => path.join(app.getPath('userData'), 'window-state.json')

function createWindow(): BrowserWindow {
  const bounds = loadBounds(
    stateFile(),
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'MP4toText',
    webPreferences: { ...webPreferences, preload: path.join(here, '../preload/index.cjs') },
  })
  win.on('ready-to-show', () => {
    if (bounds.maximized) win.maximize()
    win.show()
  })
  win.on('close', () => void saveBounds(stateFile(), { ...win.getNormalBounds(), maximized: win.isMaximized() }))
  // No navigation away from the app and no new windows; http(s) links open in the system browser.
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  // a page that records asks before it unloads; Electron would cancel without asking
  win.webContents.on('will-prevent-unload', (e) => {
    const locale = core?.store.data.settings.locale ?? app.getLocale()
    if (dialog.showMessageBoxSync(win, leaveWhileRecordingDialog(locale)) === LEAVE_CONFIRM_LEAVE) e.preventDefault()
  })
  // the page's live recordings are offered for recovery as soon as the page is gone (reloaded,
  // crashed, closed), not minutes later
  const pageGone = () => core?.recording.pageGone()
  win.webContents.on('did-start-navigation', (e) => {
    if (e.isMainFrame && !e.isSameDocument) pageGone()
  })
  win.webContents.on('render-process-gone', pageGone)
  win.webContents.on('destroyed', pageGone)
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalHttpUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(rendererFile)
  return win
}

/** Files opened before the core is up (macOS sends open-file early) wait here. */
const early: string[] = []

/** Files from a second launch or "Open with…" join the queue with the default model. */
function queueFiles(files: string[]): void {
  if (!core) {
    early.push(...files)
    return
  }
  if (!files.length || !core.store.data.settings.whisperModel) return
  // the queue shows them at once: the page listens to transcribe.job events
  void core.transcription.add(files, {}).catch(() => undefined)
}

/** Listeners that belong to the running instance only (a second launch registers none). */
function beforeReady(): void {
  // transcript media plays from this scheme: only files the core knows as a transcript's media
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { stream: true, supportFetchAPI: true, standard: true, secure: true } },
  ])
  app.on('second-instance', (_e, argv) => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
    queueFiles(mediaFilesFromArgv(argv))
  })
  app.on('open-file', (e, file) => {
    e.preventDefault()
    queueFiles([file])
  })
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault())
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}

async function openAppCore(): Promise<Core> {
  // the native engines (built-in LLM, speech and speaker detection) run as utility processes
  useChildLauncher(utilityLauncher((file, args, options) => utilityProcess.fork(file, args, options)))
  // microphone audio for the app's own page only; system audio where the OS has loopback
  installMediaPermissions(session.defaultSession, {
    isAppPage: trustedUrlCheck(devUrl, rendererFile),
    loopback: loopbackSupported(process.platform, os.release()),
    firstScreen: () => desktopCapturer.getSources({ types: ['screen'] }).then((s) => s[0]),
  })
  if (!devUrl) {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [productionCsp] } })
    })
  }
  const dataDir = process.env.MP4TOTEXT_DATA_DIR ?? app.getPath('userData')
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu()))
  // A key goes to another URL than it was entered for only after this native question, which
  // the renderer can neither answer nor skip.
  const confirmKeyForUrl = async (provider: ProviderId | 'server', url: string, boundTo: string | null) => {
    const options = keyConfirmDialog(provider, url, boundTo, app.getLocale())
    const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options)
    return response === KEY_CONFIRM_SEND
  }
  return openCore({
    dataDir,
    keys: new SafeStorageKeyStore(safeStorage, path.join(dataDir, 'keys.json'), process.env, confirmKeyForUrl),
    resourcesDir: app.isPackaged ? process.resourcesPath : undefined,
    openFolder: (dir) => openFolderSafely(dir, shell, process.platform),
    fetch: (input, init) => net.fetch(input instanceof Request ? input : String(input), init),
    // a packaged app has a feed to update from; a development run has none
    updates: app.isPackaged ? electronUpdates((await import('electron-updater')).autoUpdater) : undefined,
    shell: 'electron',
    version: app.getVersion(),
    systemLocale: app.getLocale(),
  })
}

function onReady(ready: Core): void {
  core = ready
  registerIpc(ipcMain, ready.handlers, trustedUrlCheck(devUrl, rendererFile))
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const id = decodeURIComponent(new URL(request.url).pathname.replace(/^\//, ''))
    try {
      // only a readable regular file, streamed from the one handle opened (never a folder, FIFO or device)
      return await mediaFileResponse(ready.transcripts.mediaPath(id), request.headers)
    } catch {
      return new Response('Not found', { status: 404 })
    }
  })
  closeBeforeQuit(app, () => ready.close())
  // the transcription API's own port, open while Settings → Transcription API says so
  ready.api.serveFromSettings()
  ready.events.subscribe((name, payload) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(IPC_EVENT_CHANNEL, name, payload)
  })
  mainWindow = createWindow()
  queueFiles([...early.splice(0), ...mediaFilesFromArgv(process.argv)])
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
  })
}

void startMain(app, {
  beforeReady,
  openCore: openAppCore,
  onReady,
  // e.g. a db.json written by a newer version: say so instead of opening nothing
  onOpenFailed: (err) => dialog.showErrorBox('MP4toText cannot start', err.message),
})

/** The standard menu, by roles, so every platform gets its native shortcuts. */
function applicationMenu(): Electron.MenuItemConstructorOptions[] {
  const mac = process.platform === 'darwin'
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ]
}
