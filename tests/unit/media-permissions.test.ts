import { describe, expect, it } from 'vitest'
import { trustedUrlCheck } from '../../src/main/ipc-adapter'
import {
  allowPermissionCheck,
  allowPermissionRequest,
  installMediaPermissions,
  loopbackSupported,
  type PermissionSession,
} from '../../src/main/media-permissions'

// Electron cannot run here: the main process's permission decisions as pure functions, and their
// wiring on a fake session.
const appFile = '/opt/MP4toText/resources/app.asar/out/renderer/index.html'
const isAppPage = trustedUrlCheck(undefined, appFile)
const appUrl = `file://${appFile}#/record`

describe('permissions for live recording', () => {
  it('grants microphone audio to the app page only — no camera, no other page, no other permission', () => {
    expect(allowPermissionRequest({ permission: 'media', requestingUrl: appUrl, mediaTypes: ['audio'] }, isAppPage)).toBe(true)
    expect(
      allowPermissionRequest({ permission: 'media', requestingUrl: appUrl, mediaTypes: ['audio', 'video'] }, isAppPage),
    ).toBe(false)
    expect(allowPermissionRequest({ permission: 'media', requestingUrl: appUrl, mediaTypes: ['video'] }, isAppPage)).toBe(false)
    expect(allowPermissionRequest({ permission: 'media', requestingUrl: appUrl, mediaTypes: [] }, isAppPage)).toBe(false)
    expect(
      allowPermissionRequest({ permission: 'media', requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] }, isAppPage),
    ).toBe(false)
    expect(
      allowPermissionRequest({ permission: 'media', requestingUrl: 'file:///tmp/other.html', mediaTypes: ['audio'] }, isAppPage),
    ).toBe(false)
    for (const p of ['notifications', 'geolocation', 'clipboard-read', 'display-capture', 'openExternal'])
      expect(allowPermissionRequest({ permission: p, requestingUrl: appUrl, mediaTypes: ['audio'] }, isAppPage)).toBe(false)
    expect(allowPermissionCheck('media', appUrl, 'audio', isAppPage)).toBe(true)
    expect(allowPermissionCheck('media', appUrl, 'video', isAppPage)).toBe(false)
    expect(allowPermissionCheck('media', 'https://evil.example/', 'audio', isAppPage)).toBe(false)
  })

  it('offers loopback system audio on Windows and macOS 13+ only, and only to the app page', async () => {
    expect(loopbackSupported('win32', '10.0.22631')).toBe(true)
    expect(loopbackSupported('darwin', '22.1.0')).toBe(true)
    expect(loopbackSupported('darwin', '21.6.0')).toBe(false)
    expect(loopbackSupported('linux', '6.1.0')).toBe(false)

    const handlers: Record<string, (...a: never[]) => unknown> = {}
    const fake: PermissionSession<{ id: string }> = {
      setPermissionRequestHandler: (h) => (handlers.request = h),
      setPermissionCheckHandler: (h) => (handlers.check = h),
      setDisplayMediaRequestHandler: (h) => (handlers.display = h),
    }
    const answer = (loopback: boolean, url: string) =>
      new Promise((resolve) => {
        installMediaPermissions(fake, { isAppPage, loopback, firstScreen: async () => ({ id: 'screen:0' }) })
        ;(handlers.display as unknown as (req: { frame: { url: string } }, cb: (s: unknown) => void) => void)(
          { frame: { url } },
          resolve,
        )
      })
    expect(await answer(true, appUrl)).toEqual({ video: { id: 'screen:0' }, audio: 'loopback' })
    expect(await answer(false, appUrl)).toEqual({})
    expect(await answer(true, 'https://evil.example/')).toEqual({})
    const granted = await new Promise((resolve) =>
      (handlers.request as unknown as (wc: unknown, p: string, cb: (g: boolean) => void, d: object) => void)(
        null,
        'media',
        resolve,
        {
          requestingUrl: appUrl,
          mediaTypes: ['audio'],
        },
      ),
    )
    expect(granted).toBe(true)
  })
})
