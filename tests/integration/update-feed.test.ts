import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import {
  channelFileName,
  compareVersions,
  decideUpdate,
  parseFeed,
  type UpdateSource,
} from '../../src/core/updates/update-decision'
import { useTempDirs } from '../helpers/temp-dir'
import { openTranscribeCore } from '../helpers/transcribe-env'
import { makeMedia } from '../helpers/media'

const tempDir = useTempDirs()
const sha512 = createHash('sha512').update(randomBytes(64)).digest('base64')

/** A feed as electron-builder writes it beside a release. */
const feed = (version: string, withSha = true) => `version: ${version}
files:
  - url: MP4toText-${version}.AppImage
${withSha ? `    sha512: ${sha512}\n` : ''}    size: 123456789
    blockMapSize: 1234
path: MP4toText-${version}.AppImage
${withSha ? `sha512: ${sha512}\n` : ''}releaseDate: '2026-11-30T10:00:00.000Z'
`

let server: http.Server
let base: string
const served: Record<string, string> = {}
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const body = served[(req.url ?? '/').slice(1)]
    if (body === undefined) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/yaml' }).end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

/** What the Electron shell gives the core, with the feed read over HTTP from the local server. */
function localSource(): UpdateSource & { downloads: number } {
  const src = {
    downloads: 0,
    latest: async () => {
      const url = `${base}/${channelFileName('linux', 'x64')}`
      return parseFeed(await (await fetch(url)).text(), url)
    },
    downloadAndInstallOnQuit: async () => void src.downloads++,
  }
  return src
}

describe('updates', () => {
  it('reads the feed with electron-updater’s own parser; a file without its SHA-512 is refused', async () => {
    served['latest-linux.yml'] = feed('0.2.0')
    const info = await localSource().latest()
    expect(info).toMatchObject({ version: '0.2.0', files: [{ url: 'MP4toText-0.2.0.AppImage', sha512 }] })
    expect(() => parseFeed(feed('0.2.0', false), `${base}/latest-linux.yml`)).toThrow(/SHA-512/)
    expect(() => parseFeed('version: [unclosed', `${base}/latest.yml`)).toThrow(/could not be read/)
    expect(() => parseFeed('files: []\n', `${base}/latest.yml`)).toThrow(/names no version/)
    expect(channelFileName('win32', 'x64')).toBe('latest.yml')
    expect(channelFileName('darwin', 'arm64')).toBe('latest-mac.yml')
  })

  it('decides from the version and the busy state: none, available (busy), download and install on quit', () => {
    const idle = { recordings: 0, transcriptions: 0 }
    const info = parseFeed(feed('0.2.0'), `${base}/latest.yml`)
    expect(decideUpdate('0.2.0', info, idle)).toBe('none')
    expect(decideUpdate('0.3.0', info, idle)).toBe('none')
    expect(decideUpdate('0.1.0', info, idle)).toBe('download-and-install-on-quit')
    expect(decideUpdate('0.1.0', info, { recordings: 1, transcriptions: 0 })).toBe('available')
    expect(decideUpdate('0.1.0', info, { recordings: 0, transcriptions: 2 })).toBe('available')
    expect(decideUpdate('0.2.0-beta.3', info, idle)).toBe('download-and-install-on-quit')
    expect(compareVersions('1.2.0-beta.2', '1.2.0-beta.10')).toBe(-1)
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1)
    expect(compareVersions('v1.0.0', '1.0.0')).toBe(0)
  })

  it('Check for updates: downloads only when nothing is running; the web host and the CLI say updates come with the package', async () => {
    served['latest-linux.yml'] = feed('0.2.0')
    const source = localSource()
    const { core, dir, model } = await openTranscribeCore(tempDir(), { core: { version: '0.1.0', updates: source } })
    try {
      // a transcription in the queue: told, not fetched
      await core.handlers['transcribe.add']({ files: [makeMedia(dir, 'long.wav', { seconds: 30 })], options: { model } })
      expect(await core.handlers['updates.check']({})).toMatchObject({
        action: 'available',
        current: '0.1.0',
        latest: '0.2.0',
        busy: { transcriptions: 1 },
      })
      expect(source.downloads).toBe(0)
      for (const j of core.transcription.jobs()) core.transcription.cancel(j.id)
      await expect.poll(() => core.transcription.jobs().every((j) => !['queued', 'running'].includes(j.status))).toBe(true)
      expect(await core.handlers['updates.check']({})).toMatchObject({ action: 'download-and-install-on-quit', latest: '0.2.0' })
      expect(source.downloads).toBe(1)
      served['latest-linux.yml'] = feed('0.1.0')
      expect(await core.handlers['updates.check']({})).toMatchObject({ action: 'none', latest: '0.1.0' })
    } finally {
      await core.close()
    }
    const web = await openCore({ dataDir: tempDir(), shell: 'web', version: '0.1.0', systemLocale: 'en', env: {} })
    try {
      expect(await web.handlers['updates.check']({})).toMatchObject({ action: 'unsupported', latest: null })
    } finally {
      await web.close()
    }
  })
})
