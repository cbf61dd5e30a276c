import { execFileSync, fork } from 'node:child_process'
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
    // the native engines' child process is its own entry beside the main bundle, where native-child.ts looks
    expect(main).toContain('./native-host.js')
    const host = readFileSync(path.join(root, 'out/main/native-host.js'), 'utf8')
    expect(host).toMatch(/^import |import\(/m)
    expect(host).not.toMatch(/\b__dirname\b/)
    const html = readFileSync(path.join(root, 'out/renderer/index.html'), 'utf8')
    expect(html).toContain('Content-Security-Policy')
    expect(html).not.toContain('unsafe-eval')
  }, 120_000)

  it('the bundled native host runs an engine script in a plain Node child and answers through its channel', async () => {
    const child = fork(path.join(root, 'out/main/native-host.js'), [], { serialization: 'advanced', stdio: 'pipe' })
    const reply = new Promise((resolve) => child.once('message', resolve))
    child.send({
      type: 'start',
      program: { script: "parentPort.on('message', (m) => parentPort.postMessage({ echo: m, given: workerData }))" },
      data: { n: 1 },
    })
    child.send({ bytes: new Uint8Array([1, 2, 3]) })
    expect(await reply).toEqual({ echo: { bytes: new Uint8Array([1, 2, 3]) }, given: { n: 1 } })
    // the host gone, the engine goes too
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.disconnect()
    expect(await exited).toBe(0)
  })
})
