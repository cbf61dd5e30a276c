import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { ProviderId } from '../shared/catalog-types'

/**
 * electron-vite's dev server, only in a development run: a packaged app loads its own files
 * whatever the environment says, so ELECTRON_RENDERER_URL cannot point it at a foreign page.
 */
export function devServerUrl(app: { isPackaged: boolean }, env: NodeJS.ProcessEnv): string | undefined {
  return app.isPackaged ? undefined : env.ELECTRON_RENDERER_URL || undefined
}

/** The slice of Electron's `shell` used to show folders. */
export interface FolderShell {
  /** resolves to '' on success, an error message otherwise; opens (runs) files too */
  openPath(p: string): Promise<string>
  showItemInFolder(p: string): void
}

/**
 * Show a folder in the file manager. shell.openPath opens whatever it is given with its default
 * handler — a script, a .desktop file, an .exe — so only an existing directory (by absolute
 * path, checked right before opening) is passed to it. On macOS a directory can be an
 * application bundle (Calculator.app) that openPath would launch: such a folder is revealed
 * in Finder instead of opened.
 */
export async function openFolderSafely(dir: string, shell: FolderShell, platform: NodeJS.Platform): Promise<boolean> {
  if (!path.isAbsolute(dir)) return false
  const stat = await fs.stat(dir).catch(() => null)
  if (!stat?.isDirectory()) return false
  if (platform === 'darwin' && path.extname(dir) !== '') {
    shell.showItemInFolder(dir)
    return true
  }
  return (await shell.openPath(dir)) === ''
}

const leaveTexts = {
  en: {
    title: 'Stop recording?',
    message: 'A recording is in progress. Leave the page anyway?',
    detail: 'The recording stops here. What was recorded so far is kept and offered on the Record page, to finish or discard.',
    stay: 'Keep recording',
    leave: 'Leave',
  },
  tr: {
    title: 'Kayıt durdurulsun mu?',
    message: 'Bir kayıt sürüyor. Sayfadan yine de çıkılsın mı?',
    detail: 'Kayıt burada durur. O ana kadar kaydedilen saklanır ve Kayıt sayfasında bitirmek ya da atmak için sunulur.',
    stay: 'Kayda devam et',
    leave: 'Çık',
  },
}

/** The button of the leave question that leaves; every other answer stays. */
export const LEAVE_CONFIRM_LEAVE = 1

/**
 * The page asks before it unloads while it records (beforeunload). In a browser the browser asks;
 * Electron cancels the unload without a word, so the main process asks this. Staying is the default.
 */
export function leaveWhileRecordingDialog(locale: string) {
  const t = locale.toLowerCase().startsWith('tr') ? leaveTexts.tr : leaveTexts.en
  return {
    type: 'warning' as const,
    title: t.title,
    message: t.message,
    detail: t.detail,
    buttons: [t.stay, t.leave],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  }
}

/** The button of the key question that sends the key; every other answer keeps it. */
export const KEY_CONFIRM_SEND = 1

const keyTexts = {
  en: {
    title: 'Send your API key?',
    message: (p: string, url: string) => `Send your ${p} API key to ${url}?`,
    detail: (bound: string) =>
      `The key was entered for ${bound}, and the base URL in Settings now names another address. Send the key only if you set that address yourself and trust it; otherwise enter a key for it in Settings, or set the base URL back.`,
    cancel: 'Do not send',
    send: 'Send the key',
    serverMessage: (url: string) => `Send MP4TOTEXT_SERVER_KEY to the transcription server ${url}?`,
    serverDetail:
      'The key is set for the servers listed in MP4TOTEXT_SERVERS, and this one is not among them. Send the key only if you added this server yourself and trust it; otherwise add it to MP4TOTEXT_SERVERS and restart.',
  },
  tr: {
    title: 'API anahtarı gönderilsin mi?',
    message: (p: string, url: string) => `${p} API anahtarınız ${url} adresine gönderilsin mi?`,
    detail: (bound: string) =>
      `Anahtar ${bound} için girilmişti; Ayarlar'daki temel URL artık başka bir adresi gösteriyor. Anahtarı yalnızca bu adresi kendiniz girdiyseniz ve ona güveniyorsanız gönderin; aksi halde Ayarlar'da bu adres için bir anahtar girin ya da temel URL'yi geri alın.`,
    cancel: 'Gönderme',
    send: 'Anahtarı gönder',
    serverMessage: (url: string) => `MP4TOTEXT_SERVER_KEY, ${url} transkripsiyon sunucusuna gönderilsin mi?`,
    serverDetail:
      'Anahtar MP4TOTEXT_SERVERS içinde listelenen sunucular için ayarlı; bu sunucu onların arasında değil. Anahtarı yalnızca bu sunucuyu kendiniz eklediyseniz ve ona güveniyorsanız gönderin; aksi halde onu MP4TOTEXT_SERVERS listesine ekleyip yeniden başlatın.',
  },
}

/**
 * The native question Electron's main process asks before a stored key goes to another origin
 * than it was entered for. The safe answer is the default and what Escape gives.
 */
export function keyConfirmDialog(provider: ProviderId | 'server', url: string, boundTo: string | null, locale: string) {
  const t = locale.toLowerCase().startsWith('tr') ? keyTexts.tr : keyTexts.en
  const buttons = [t.cancel, t.send]
  return {
    type: 'warning' as const,
    title: t.title,
    message: provider === 'server' ? t.serverMessage(url) : t.message(provider, url),
    detail: provider === 'server' ? t.serverDetail : t.detail(boundTo ?? '—'),
    buttons,
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  }
}
