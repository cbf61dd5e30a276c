import type { AppUpdater, UpdateInfo } from 'electron-updater'
import type { UpdateSource } from '../core/updates/update-decision'

/**
 * The packaged app's updates through electron-updater, from the GitHub releases feed configured in
 * electron-builder.yml (publish). Nothing is fetched or installed on its own: the core asks
 * (Settings → Check for updates), decides from the busy state (core/updates/update-decision.ts),
 * and only then is the update downloaded (verified against the feed's SHA-512, and on Windows
 * against the publisher's signature) and installed when the user quits.
 */
export function electronUpdates(updater: AppUpdater): UpdateSource {
  updater.autoDownload = false
  updater.autoInstallOnAppQuit = false
  updater.allowDowngrade = false
  return {
    latest: async (): Promise<UpdateInfo | null> => (await updater.checkForUpdates())?.updateInfo ?? null,
    downloadAndInstallOnQuit: async () => {
      updater.autoInstallOnAppQuit = true
      await updater.downloadUpdate()
    },
  }
}
