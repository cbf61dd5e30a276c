import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const repo = path.resolve(import.meta.dirname, '../..')
const WARNINGS = 700

/**
 * A copy of the build script in a scratch checkout (its node_modules linked to the real one) and a
 * stand-in `cmake` that talks like the real one — progress on stdout, hundreds of compiler
 * warnings on stderr — so the script's output can be judged in seconds, without touching the real
 * engine/ folder.
 */
function scratchCheckout(): { root: string; env: NodeJS.ProcessEnv } {
  const root = tempDir()
  cpSync(path.join(repo, 'scripts'), path.join(root, 'scripts'), { recursive: true })
  symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'dir')
  const bin = path.join(root, 'fake-bin')
  mkdirSync(bin)
  writeFileSync(
    path.join(bin, 'cmake'),
    `#!${process.execPath}
const fs = require('node:fs'), path = require('node:path')
// synchronous writes: nothing may be lost when it exits (a real compiler's output never is)
const out = (s) => fs.writeSync(1, s + '\\n')
const err = (s) => fs.writeSync(2, s + '\\n')
const args = process.argv.slice(2)
if (args[0] === '--version') { out('cmake version 3.99.0 (fake)'); process.exit(0) }
fs.appendFileSync(${JSON.stringify(path.join(root, 'cmake-calls.json'))}, JSON.stringify(args) + '\\n')
if (args.includes('-S')) {
  out('-- The C compiler identification is GNU 14.2.0')
  out('-- Configuring done')
  process.exit(0)
}
const build = args[args.indexOf('--build') + 1]
for (let i = 1; i <= ${WARNINGS}; i++) {
  out('[' + String(Math.floor((i * 100) / ${WARNINGS})).padStart(3) + '%] Building CXX object ggml/src/file' + i + '.cpp.o')
  err('ggml/src/file' + i + '.cpp:10:5: warning: unused variable \\'x' + i + '\\' [-Wunused-variable]')
  err('   10 |     int x' + i + ';')
}
if (process.env.FAKE_CMAKE_FAIL) {
  err('examples/server/server.cpp:42:9: error: \\'frobnicate\\' was not declared in this scope')
  err('   42 |         frobnicate();')
  err('gmake[2]: *** [examples/server/CMakeFiles/whisper-server.dir/build.make:76: server.cpp.o] Error 1')
  process.exit(2)
}
fs.mkdirSync(path.join(build, 'bin'), { recursive: true })
// the targets asked for (the engine's two, or the Vulkan variant's device lister)
const targets = args.slice(args.indexOf('--target') + 1)
for (const f of targets) fs.writeFileSync(path.join(build, 'bin', f), '')
`,
  )
  chmodSync(path.join(bin, 'cmake'), 0o755)
  // a stand-in shader compiler and SDK folder, so the Vulkan variant can be asked for on any machine
  writeFileSync(path.join(bin, 'glslc'), `#!${process.execPath}\nprocess.exit(0)\n`)
  chmodSync(path.join(bin, 'glslc'), 0o755)
  return {
    root,
    env: {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      MP4TOTEXT_SKIP_ENGINE_BUILD: '',
      // one build unless a test asks for more (auto also builds the GPU variants this machine can)
      MP4TOTEXT_ENGINE_VARIANTS: 'cpu',
      VULKAN_SDK: bin,
    },
  }
}

function run(root: string, env: NodeJS.ProcessEnv, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-engine.mjs'), ...args], { env, encoding: 'utf8' })
  const output = `${r.stdout}${r.stderr}`
  return { status: r.status, output, lines: output.split('\n').filter((l) => l.trim() !== '') }
}

describe.skipIf(process.platform === 'win32')('npm install: the engine build is quiet, and loud only when it fails', () => {
  it('prints a few lines and a summary; every compiler warning is in the log file it names', () => {
    const { root, env } = scratchCheckout()
    const { status, output, lines } = run(root, env, ['--strict'])
    expect(status).toBe(0)
    expect(lines.length).toBeLessThanOrEqual(10)
    expect(output).not.toMatch(/warning: unused variable/)
    expect(output).toMatch(new RegExp(`${WARNINGS} compiler warnings`))
    const logPath = path.join(root, '.cache', 'engine-build.log')
    expect(output).toContain(path.join('.cache', 'engine-build.log'))
    const log = readFileSync(logPath, 'utf8')
    expect(log.match(/warning: unused variable/g)).toHaveLength(WARNINGS)
    expect(log).toContain('-- Configuring done')
    expect(existsSync(path.join(root, 'engine', `${process.platform}-${process.arch}`, 'whisper-server'))).toBe(true)

    // a second install reuses the build, in one line
    const again = run(root, env, ['--strict'])
    expect(again.status).toBe(0)
    expect(again.lines).toHaveLength(1)
    expect(again.output).toMatch(/cached/)
  })

  it('builds a patched copy of the source and leaves node_modules as npm installed it', () => {
    const { root, env } = scratchCheckout()
    expect(run(root, env, ['--strict']).status).toBe(0)
    const calls = readFileSync(path.join(root, 'cmake-calls.json'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[])
    const source = calls.find((c) => c.includes('-S'))!
    const src = source[source.indexOf('-S') + 1]!
    expect(path.resolve(src).startsWith(path.join(repo, 'node_modules'))).toBe(false)
    expect(readFileSync(path.join(src, 'examples', 'server', 'server.cpp'), 'utf8')).toContain('mp4totext-guard.h')
    const pristine = path.join(repo, 'node_modules', 'nodejs-whisper', 'cpp', 'whisper.cpp', 'examples', 'server', 'server.cpp')
    expect(readFileSync(pristine, 'utf8')).not.toContain('mp4totext')
  })

  it('builds each engine variant into its own folder: the CPU one always, Vulkan with its device lister', () => {
    const { root, env } = scratchCheckout()
    const { status, output } = run(root, env, ['--strict', '--variants=cpu,vulkan', '--jobs=2'])
    expect(status).toBe(0)
    const platform = `${process.platform}-${process.arch}`
    expect(existsSync(path.join(root, 'engine', platform, 'whisper-server'))).toBe(true)
    expect(existsSync(path.join(root, 'engine', platform, 'mp4totext-vk-devices'))).toBe(false)
    expect(existsSync(path.join(root, 'engine', `${platform}-vulkan`, 'whisper-server'))).toBe(true)
    expect(existsSync(path.join(root, 'engine', `${platform}-vulkan`, 'mp4totext-vk-devices'))).toBe(true)
    const calls = readFileSync(path.join(root, 'cmake-calls.json'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string[])
    const configures = calls.filter((c) => c.includes('-S') && c.some((a) => a.includes('whisper-src')))
    expect(configures).toHaveLength(2)
    expect(configures.filter((c) => c.includes('-DGGML_VULKAN=ON'))).toHaveLength(1)
    // a shared machine: the jobs asked for, not every core
    for (const c of calls.filter((x) => x.includes('--build') && x.includes('whisper-server')))
      expect(c[c.indexOf('-j') + 1]).toBe('2')
    const stamp = JSON.parse(readFileSync(path.join(root, 'engine', `${platform}-vulkan`, 'build-stamp.json'), 'utf8'))
    expect(stamp).toMatchObject({ variant: 'vulkan' })
    expect(output).toMatch(/vulkan/)

    // both cached the second time
    const again = run(root, env, ['--strict', '--variants=cpu,vulkan'])
    expect(again.lines).toHaveLength(2)
    expect(again.output.match(/cached/g)).toHaveLength(2)
  })

  it('building one variant keeps the others’ build folders; MP4TOTEXT_ENGINE_OUT builds into another folder', () => {
    const { root, env } = scratchCheckout()
    expect(run(root, env, ['--strict']).status).toBe(0)
    const builds = () => readdirSync(path.join(root, '.cache')).filter((f) => f.startsWith('whisper-build-'))
    const [cpuBuild] = builds()
    expect(cpuBuild).toBeDefined()
    // CI builds the slow Vulkan variant beside the tests, into a folder the tests do not read
    const staging = path.join(root, 'staging')
    const vk = run(root, { ...env, MP4TOTEXT_ENGINE_OUT: staging }, ['--strict', '--variants=vulkan'])
    expect(vk.status).toBe(0)
    const platform = `${process.platform}-${process.arch}`
    expect(existsSync(path.join(staging, `${platform}-vulkan`, 'whisper-server'))).toBe(true)
    expect(existsSync(path.join(root, 'engine', `${platform}-vulkan`))).toBe(false)
    // the CPU build's folder is still there: its next build is incremental, not from scratch
    expect(builds()).toContain(cpuBuild)
    expect(builds()).toHaveLength(2)
  })

  it('a variant the machine cannot build is named with what is missing, and fails with --strict', () => {
    const { root, env } = scratchCheckout()
    const mac = process.platform === 'darwin'
    const r = run(root, env, ['--strict', `--variants=${mac ? 'vulkan' : 'metal'}`])
    expect(r.status).toBe(1)
    expect(r.output).toContain(
      mac
        ? 'vulkan build not possible here: on macOS the Metal build is used'
        : 'metal build not possible here: Metal exists only on macOS',
    )
    expect(run(root, env, ['--strict', '--variants=opencl']).output).toMatch(/unknown engine variant opencl/)
  })

  it('on failure: the error lines in full, the log path, and a failing exit with --strict', () => {
    const { root, env } = scratchCheckout()
    const { status, output, lines } = run(root, { ...env, FAKE_CMAKE_FAIL: '1' }, ['--strict'])
    expect(status).toBe(1)
    expect(output).toContain("examples/server/server.cpp:42:9: error: 'frobnicate' was not declared in this scope")
    expect(output).toContain('   42 |         frobnicate();')
    expect(output).toContain(path.join('.cache', 'engine-build.log'))
    expect(output).not.toMatch(/warning: unused variable/)
    expect(lines.length).toBeLessThanOrEqual(20)
  })
})
