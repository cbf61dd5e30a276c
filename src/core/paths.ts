import os from 'node:os'
import path from 'node:path'

export const APP_NAME = 'MP4toText'

/** Where Electron's `userData` lives for this app, so the CLI and the app share one db.json. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.MP4TOTEXT_DATA_DIR) return path.resolve(env.MP4TOTEXT_DATA_DIR)
  const home = os.homedir()
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME)
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME)
}

/** Where whisper models live: the folder the user chose in Settings, or `models/` in the data folder. */
export function modelsDirOf(dataDir: string, settings: { modelsDir: string | null }): string {
  return settings.modelsDir ?? path.join(dataDir, 'models')
}

export function systemLocale(): string {
  return Intl.DateTimeFormat().resolvedOptions().locale
}
