import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')

// The Electron binary cannot run here, but its bundles can be built and inspected.
describe('electron-vite build', () => {
  it('emits an ESM main and a CommonJS preload that requires nothing but electron', () => {
    execFileSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    })
    const preload = readFileSync(path.join(root, 'out/preload/index.cjs'), 'utf8')
    const requires = [...new Set([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))]
    expect(requires).toEqual(['electron'])
    expect(preload).toContain('exposeInMainWorld')
    const main = readFileSync(path.join(root, 'out/main/index.js'), 'utf8')
    expect(main).toMatch(/^import /m)
    expect(main).not.toMatch(/\b__dirname\b/)
    expect(main).toContain('index.cjs')
    const html = readFileSync(path.join(root, 'out/renderer/index.html'), 'utf8')
    expect(html).toContain('Content-Security-Policy')
    expect(html).not.toContain('unsafe-eval')
  }, 120_000)
})
