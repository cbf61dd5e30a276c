/**
 * Which permission requests the app's windows get: microphone audio for the app's own page, and
 * nothing else (no camera, no screen picture, no notifications, no geolocation…). Pure functions
 * of the request, so a unit test holds them to this without Electron.
 */

/** The parts of Electron's permission request details these decisions read. */
export interface PermissionRequest {
  permission: string
  /** the page asking (Electron: details.requestingUrl, or the web contents' URL for a check) */
  requestingUrl: string
  /** for "media" requests: what is asked for ('audio', 'video'); absent in a permission check */
  mediaTypes?: string[]
}

/** A request is granted only for microphone audio, asked by the app's own page. */
export function allowPermissionRequest(req: PermissionRequest, isAppPage: (url: string) => boolean): boolean {
  if (req.permission !== 'media' || !isAppPage(req.requestingUrl)) return false
  const types = req.mediaTypes ?? []
  return types.length > 0 && types.every((t) => t === 'audio')
}

/**
 * A permission check (`navigator.permissions`, device labels in enumerateDevices) is answered the
 * same way; a check names no media type, so it says only whether the page may ask for audio.
 */
export function allowPermissionCheck(
  permission: string,
  requestingUrl: string,
  mediaType: string | undefined,
  isAppPage: (url: string) => boolean,
): boolean {
  if (permission !== 'media' || !isAppPage(requestingUrl)) return false
  return mediaType === undefined || mediaType === 'audio' || mediaType === 'unknown'
}

/**
 * System audio for meetings: Electron hands a page's getDisplayMedia the OS's loopback audio on
 * Windows and on macOS 13+; elsewhere there is none, and the page says so rather than recording
 * silence. Linux offers PulseAudio/PipeWire "Monitor of …" sources as ordinary inputs instead.
 */
export function loopbackSupported(platform: NodeJS.Platform, osRelease: string): boolean {
  if (platform === 'win32') return true
  // Darwin 22 is macOS 13 (Ventura), where ScreenCaptureKit's audio capture begins
  if (platform === 'darwin') return Number(osRelease.split('.')[0]) >= 22
  return false
}

/** The minimal shape of Electron's session used here, so the wiring is testable with a fake. */
export interface PermissionSession<V> {
  setPermissionRequestHandler(
    handler: (
      wc: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl?: string; mediaTypes?: string[] },
    ) => void,
  ): void
  setPermissionCheckHandler(
    handler: (
      wc: unknown,
      permission: string,
      requestingOrigin: string,
      details: { requestingUrl?: string; mediaType?: string },
    ) => boolean,
  ): void
  setDisplayMediaRequestHandler(
    handler: (
      request: { frame?: { url?: string } | null },
      callback: (streams: { video?: V; audio?: 'loopback' }) => void,
    ) => void,
  ): void
}

/**
 * Install the handlers on a session. `firstScreen` gives a video source (Electron requires one with
 * loopback audio; the page drops the picture at once).
 */
export function installMediaPermissions<V>(
  session: PermissionSession<V>,
  opts: { isAppPage: (url: string) => boolean; loopback: boolean; firstScreen: () => Promise<V | undefined> },
): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(
      allowPermissionRequest(
        { permission, requestingUrl: details.requestingUrl ?? '', mediaTypes: details.mediaTypes },
        opts.isAppPage,
      ),
    ),
  )
  session.setPermissionCheckHandler((_wc, permission, origin, details) =>
    allowPermissionCheck(permission, details.requestingUrl ?? origin, details.mediaType, opts.isAppPage),
  )
  session.setDisplayMediaRequestHandler((request, callback) => {
    // an empty answer refuses: no loopback here, or a page that is not ours
    if (!opts.loopback || !opts.isAppPage(request.frame?.url ?? '')) return callback({})
    opts.firstScreen().then(
      (video) => callback(video ? { video, audio: 'loopback' } : {}),
      () => callback({}),
    )
  })
}
