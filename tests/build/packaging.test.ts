import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import yaml from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { unpackedPath } from '../../src/core/media/ffmpeg-path'
import { whisperServerPath } from '../../src/core/transcribe/engine-paths'
import { loadBounds, mediaFilesFromArgv, saveBounds } from '../../src/main/window-state'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
// electron-builder's own modules, and the @electron/fuses it packages with
const builderRequire = createRequire(path.join(root, 'node_modules/app-builder-lib/package.json'))

type BuilderConfig = {
  files: string[]
  asar: boolean
  asarUnpack: string[]
  extraResources: { from: string; to: string }[]
  linux: { target: string[]; icon: string }
  win: { target: string[] }
  mac: { target: { target: string; arch: string[] }[]; entitlements: string }
}

describe('installer configuration', () => {
  const cfg = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig

  it('builds AppImage and deb, NSIS, and dmg for x64 and arm64', () => {
    expect(cfg.linux.target).toEqual(['AppImage', 'deb'])
    expect(cfg.win.target).toEqual(['nsis'])
    expect(cfg.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }])
  })

  it('keeps the engine and ffmpeg outside the asar archive, this platform only', () => {
    expect(cfg.asar).toBe(true)
    expect(cfg.asarUnpack).toContain('node_modules/@ffmpeg-installer/**')
    expect(cfg.extraResources).toContainEqual(
      expect.objectContaining({ from: 'engine/${platform}-${arch}', to: 'engine/${platform}-${arch}' }),
    )
  })

  it('is a configuration electron-builder itself accepts', async () => {
    const { validateConfiguration } = builderRequire('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (c: unknown, log: { isEnabled: boolean }) => Promise<void>
    }
    await expect(validateConfiguration(cfg, { isEnabled: false })).resolves.toBeUndefined()
  })

  // electron-builder flips the fuses with @electron/fuses right before signing. The Electron
  // binary cannot be downloaded here, so its fuse wire is synthesized (sentinel, version 1, eight
  // fuses at their Electron defaults) and flipped by electron-builder's own code path.
  it('flips the Electron fuses at packaging: no Node mode, no NODE_OPTIONS or --inspect, asar only and checked', async () => {
    type Packager = { prototype: { doAddElectronFuses(ctx: unknown): Promise<void> } }
    const { LinuxPackager, WinPackager } = builderRequire('app-builder-lib') as Record<string, Packager>
    const { getCurrentFuseWire, FuseV1Options } = builderRequire('@electron/fuses') as {
      getCurrentFuseWire(exe: string): Promise<Record<number, number>>
      FuseV1Options: Record<string, number>
    }
    const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
    const [ENABLE, DISABLE] = [49, 48]
    // Electron's defaults: RunAsNode, cookie encryption off, NODE_OPTIONS, inspect, integrity off, asar-only off, snapshot off, file privileges on
    const defaults = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE]
    for (const platform of ['linux', 'win32'] as const) {
      const appOutDir = tempDir()
      const exe = path.join(appOutDir, platform === 'win32' ? 'MP4toText.exe' : 'mp4totext')
      writeFileSync(
        exe,
        Buffer.concat([Buffer.alloc(64, 7), Buffer.from(SENTINEL), Buffer.from([1, 8, ...defaults]), Buffer.alloc(64, 7)]),
      )
      // a packager with just what the fuse step reads: the config, and the executable's name
      const packager = Object.assign(
        Object.create((platform === 'win32' ? WinPackager : LinuxPackager)!.prototype) as Packager['prototype'],
        { info: { config: cfg }, appInfo: { productFilename: 'MP4toText' }, executableName: 'mp4totext' },
      )
      await packager.doAddElectronFuses({ appOutDir, electronPlatformName: platform })
      const wire = await getCurrentFuseWire(exe)
      expect({
        runAsNode: wire[FuseV1Options.RunAsNode!],
        nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable!],
        inspect: wire[FuseV1Options.EnableNodeCliInspectArguments!],
        onlyAsar: wire[FuseV1Options.OnlyLoadAppFromAsar!],
        asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation!],
        cookieEncryption: wire[FuseV1Options.EnableCookieEncryption!],
      }).toEqual({
        runAsNode: DISABLE,
        nodeOptions: DISABLE,
        inspect: DISABLE,
        onlyAsar: ENABLE,
        asarIntegrity: ENABLE,
        cookieEncryption: ENABLE,
      })
    }
  })

  it('points at resources that exist', () => {
    for (const f of [cfg.linux.icon, cfg.mac.entitlements]) expect(readFileSync(path.join(root, f)).length).toBeGreaterThan(0)
  })

  // A native addon (.node) cannot be loaded from inside app.asar: every production package that
  // carries one must be unpacked, or the packaged app fails only on the user's machine.
  it('unpacks every production package that carries a native addon', () => {
    const { minimatch } = builderRequire('minimatch') as { minimatch: (p: string, g: string, o?: object) => boolean }
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; devOptional?: boolean }>
    }
    const withAddon = Object.entries(lock.packages)
      .filter(([dir, p]) => dir.startsWith('node_modules/') && !p.dev && !p.devOptional)
      .map(([dir]) => dir)
      .filter((dir) => {
        const full = path.join(root, dir)
        if (!existsSync(full)) return false // an optional package for another platform
        return readdirSync(full, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.node'))
      })
    expect(withAddon.length).toBeGreaterThan(0)
    const packed = withAddon.filter((dir) => !cfg.asarUnpack.some((g) => minimatch(`${dir}/x.node`, g, { dot: true })))
    expect(packed).toEqual([])
  })

  it('asks macOS for the microphone with a truthful reason (live capture records only on request)', () => {
    const mac = cfg.mac as unknown as { extendInfo: Record<string, string> }
    expect(mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/record/i)
    expect(mac.extendInfo.NSMicrophoneUsageDescription).not.toMatch(/does not record/i)
    expect(readFileSync(path.join(root, cfg.mac.entitlements), 'utf8')).toContain('com.apple.security.device.audio-input')
  })
})

describe('packaged path resolution', () => {
  it('finds the engine in resources/engine/<platform>-<arch> of a packaged app', () => {
    const resources = tempDir()
    const exe = path.join(
      resources,
      'engine',
      `${process.platform}-${process.arch}`,
      process.platform === 'win32' ? 'whisper-server.exe' : 'whisper-server',
    )
    mkdirSync(path.dirname(exe), { recursive: true })
    writeFileSync(exe, '')
    expect(whisperServerPath({ resourcesDir: resources, env: {} })).toBe(exe)
    expect(whisperServerPath({ resourcesDir: resources, env: { MP4TOTEXT_WHISPER_SERVER: '/opt/x' } })).toBe('/opt/x')
  })

  it('runs ffmpeg from app.asar.unpacked, never from inside the archive', () => {
    expect(unpackedPath('/opt/MP4toText/resources/app.asar/node_modules/@ffmpeg-installer/linux-x64/ffmpeg')).toBe(
      '/opt/MP4toText/resources/app.asar.unpacked/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
    )
    expect(unpackedPath('C:\\Apps\\MP4toText\\resources\\app.asar\\node_modules\\ffmpeg.exe')).toBe(
      'C:\\Apps\\MP4toText\\resources\\app.asar.unpacked\\node_modules\\ffmpeg.exe',
    )
    expect(unpackedPath('/home/me/mp4totext/node_modules/@ffmpeg-installer/linux-x64/ffmpeg')).toBe(
      '/home/me/mp4totext/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
    )
  })
})

describe('window state', () => {
  it('remembers size and position, and never reopens on a display that is gone', async () => {
    const file = path.join(tempDir(), 'window-state.json')
    const display = { x: 0, y: 0, width: 1920, height: 1080 }
    expect(loadBounds(file, [display])).toEqual({ width: 1200, height: 820 })
    await saveBounds(file, { x: 100, y: 80, width: 1000, height: 700, maximized: false })
    expect(loadBounds(file, [display])).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: false })
    await saveBounds(file, { x: 3000, y: 80, width: 1000, height: 700 })
    expect(loadBounds(file, [display])).toEqual({ width: 1000, height: 700, maximized: false })
    writeFileSync(file, '{broken')
    expect(loadBounds(file, [display])).toEqual({ width: 1200, height: 820 })
  })

  it('takes media files from a second launch’s command line', () => {
    expect(
      mediaFilesFromArgv(['/opt/MP4toText/mp4totext', '--inspect', '/home/a/kayıt.MP4', '/home/a/notes.txt', 'b.flac']),
    ).toEqual(['/home/a/kayıt.MP4', 'b.flac'])
  })
})
