// Builds whisper.cpp's whisper-server and whisper-cli from the source tree that the pinned
// `nodejs-whisper` package carries, into engine/<platform>-<arch>/. Runs as this project's own
// postinstall; a second install with the same source and options reuses the cached build.
//
//   node scripts/build-engine.mjs            development build (GGML_NATIVE: this CPU's best code)
//   node scripts/build-engine.mjs --portable packaged build: GGML_BACKEND_DL + GGML_CPU_ALL_VARIANTS
//                                            (best CPU code chosen at run time, never an illegal
//                                            instruction), plus Vulkan where its SDK is present
//   --force                                  rebuild even when the cache matches
//
// whisper-server is patched first (scripts/engine-patches: a per-run secret, no CORS, Host and
// Origin checks, exit with the parent) in a copy of the source under .cache/.
//
// The compiler's output (hundreds of warnings) goes to .cache/engine-build.log; the terminal gets
// one progress line (updated in place on a TTY, a few plain lines otherwise) and a summary, or on
// failure the error lines in full and the log's path.
//
// Without CMake or a C++ compiler the install still succeeds: transcription then reports how to
// build the engine, and everything else works.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { applyEnginePatches, patchFiles } from './engine-patches/server-patch.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = new Set(process.argv.slice(2))
const portable = args.has('--portable')
const force = args.has('--force')
const log = (m) => console.log(`[engine] ${m}`)

if (process.env.MP4TOTEXT_SKIP_ENGINE_BUILD === '1') {
  log('skipped (MP4TOTEXT_SKIP_ENGINE_BUILD=1)')
  process.exit(0)
}

const source = path.join(root, 'node_modules', 'nodejs-whisper', 'cpp', 'whisper.cpp')
if (!existsSync(path.join(source, 'CMakeLists.txt'))) {
  log(`whisper.cpp source not found at ${source}; run npm install first`)
  process.exit(args.has('--strict') ? 1 : 0)
}
const version =
  /project\("whisper\.cpp" VERSION ([\d.]+)\)/.exec(readFileSync(path.join(source, 'CMakeLists.txt'), 'utf8'))?.[1] ?? 'unknown'

const have = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0
if (!have('cmake') || !(have('c++') || have('g++') || have('clang++') || process.platform === 'win32')) {
  log('CMake and a C++ compiler are needed to build the transcription engine (see README: Prerequisites).')
  log('Everything else works; run "npm run build:engine" once they are installed.')
  process.exit(args.has('--strict') ? 1 : 0)
}

const platform = `${process.platform}-${process.arch}`
const options = [
  '-DCMAKE_BUILD_TYPE=Release',
  '-DWHISPER_BUILD_TESTS=OFF',
  '-DWHISPER_BUILD_EXAMPLES=ON',
  '-DWHISPER_SDL2=OFF',
  '-DWHISPER_CURL=OFF',
  ...(portable
    ? [
        '-DGGML_NATIVE=OFF',
        '-DGGML_BACKEND_DL=ON',
        '-DGGML_CPU_ALL_VARIANTS=ON',
        '-DBUILD_SHARED_LIBS=ON',
        // the binaries find their libraries beside them ($ORIGIN / @loader_path), wherever the
        // installer puts them, not in this build tree
        '-DCMAKE_BUILD_RPATH_USE_ORIGIN=ON',
        ...(hasVulkan() ? ['-DGGML_VULKAN=ON'] : []),
      ]
    : ['-DGGML_NATIVE=ON', '-DBUILD_SHARED_LIBS=OFF']),
]
// the patches are part of what is built: changing one rebuilds, however the cache looks
const patches = createHash('sha256')
for (const f of patchFiles) patches.update(readFileSync(f))
const patchHash = patches.digest('hex').slice(0, 16)
const stamp = createHash('sha256').update(JSON.stringify({ version, platform, options, patchHash })).digest('hex').slice(0, 16)
// the build folders outlive a patch change: only the patched files are recompiled then
const buildKey = createHash('sha256').update(JSON.stringify({ version, platform, options })).digest('hex').slice(0, 16)
const outDir = path.join(root, 'engine', platform)
const stampFile = path.join(outDir, 'build-stamp.json')
const exe = (name) => (process.platform === 'win32' ? `${name}.exe` : name)

if (!force && existsSync(stampFile)) {
  const old = JSON.parse(readFileSync(stampFile, 'utf8'))
  if (old.stamp === stamp && existsSync(path.join(outDir, exe('whisper-server')))) {
    log(`whisper.cpp ${version} already built for ${platform} (${portable ? 'portable' : 'native'}); cached`)
    process.exit(0)
  }
}

const cacheDir = path.join(root, '.cache')
const buildDir = path.join(cacheDir, `whisper-build-${buildKey}`)
const srcCopy = path.join(cacheDir, `whisper-src-${buildKey}`)
const logFile = path.join(cacheDir, 'engine-build.log')
const logShown = path.relative(process.cwd(), logFile) || logFile
const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length))
log(`building whisper.cpp ${version} for ${platform} (${portable ? 'portable' : 'native'}) with ${jobs} jobs…`)
const t0 = Date.now()
mkdirSync(cacheDir, { recursive: true })
writeFileSync(logFile, `whisper.cpp ${version} for ${platform}, ${new Date().toISOString()}\n`)
let warnings = 0
const COMPILER_WARNING = /(^|[\s:])warning( [A-Z]+\d+)?:/i
let shownPct = -1
let tty = process.stdout.isTTY === true
try {
  // the patches go into a fresh copy (timestamps kept, so an incremental rebuild recompiles only
  // what a patch touched); node_modules stays exactly as npm installed it
  rmSync(srcCopy, { recursive: true, force: true })
  cpSync(source, srcCopy, { recursive: true, preserveTimestamps: true })
  applyEnginePatches(srcCopy)
  await run('cmake', ['-S', srcCopy, '-B', buildDir, ...options], 'configuring')
  await run(
    'cmake',
    ['--build', buildDir, '--config', 'Release', '-j', jobs, '--target', 'whisper-server', 'whisper-cli'],
    'compiling',
  )
} catch (err) {
  endProgress()
  const shown = errorLines(readFileSync(logFile, 'utf8'))
  appendFileSync(logFile, `\n${err.message}\n`)
  log(`build failed: ${err.message}`)
  for (const l of shown) console.log(l)
  log(`full log: ${logShown}`)
  log('Everything but transcription works without the engine; fix the cause, then run "npm run build:engine".')
  process.exit(args.has('--strict') ? 1 : 0)
}
endProgress()

mkdirSync(outDir, { recursive: true })
const binDir = [path.join(buildDir, 'bin', 'Release'), path.join(buildDir, 'bin')].find((d) =>
  existsSync(path.join(d, exe('whisper-server'))),
)
if (!binDir) {
  log('build finished but whisper-server was not found')
  process.exit(args.has('--strict') ? 1 : 0)
}
// the executables, and for portable builds the ggml backends they load at run time
for (const f of readdirSync(binDir)) {
  if (f === exe('whisper-server') || f === exe('whisper-cli') || /\.(so|dylib|dll)(\.\d+)*$/.test(f))
    install(path.join(binDir, f), path.join(outDir, f))
}
for (const libDir of [path.join(buildDir, 'src'), path.join(buildDir, 'ggml', 'src')]) {
  if (!existsSync(libDir)) continue
  for (const f of readdirSync(libDir))
    if (/\.(so|dylib|dll)(\.\d+)*$/.test(f)) install(path.join(libDir, f), path.join(outDir, f))
}
writeFileSync(
  stampFile,
  JSON.stringify({ stamp, version, platform, portable, options, patchHash, builtAt: new Date().toISOString() }, null, 2),
)
// builds of other sources or options are dead weight in .cache
for (const f of readdirSync(cacheDir))
  if (/^whisper-(build|src)-[0-9a-f]{16}$/.test(f) && !f.endsWith(buildKey))
    rmSync(path.join(cacheDir, f), { recursive: true, force: true })
log(
  `done in ${Math.round((Date.now() - t0) / 1000)} s → ${path.relative(root, outDir)}` +
    ` (${warnings} compiler warning${warnings === 1 ? '' : 's'}; full log: ${logShown})`,
)

/** Copy, then rename over the target: a running engine keeps its old file (no ETXTBSY), new starts get the new one. */
function install(from, to) {
  const tmp = `${to}.new-${process.pid}`
  copyFileSync(from, tmp)
  renameSync(tmp, to)
}

function hasVulkan() {
  return (
    spawnSync('glslc', ['--version'], { stdio: 'ignore' }).status === 0 &&
    (process.env.VULKAN_SDK || existsSync('/usr/include/vulkan/vulkan.h'))
  )
}

/** Runs one cmake step: all its output into the log, progress onto one line. */
function run(cmd, argv, step) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' })
    out.write(`\n$ ${cmd} ${argv.join(' ')}\n`)
    const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    const onLines = (stream) => {
      let rest = ''
      stream.on('data', (c) => {
        out.write(c)
        const lines = (rest + c.toString()).split(/\r?\n/)
        rest = lines.pop() ?? ''
        for (const l of lines) {
          if (COMPILER_WARNING.test(l)) {
            warnings++
            if (tty) progress(step, Math.max(shownPct, 0), true)
          }
          // Makefiles print "[ 45%]", Ninja "[12/80]"
          const m = /^\[\s*(\d+)%\]/.exec(l) ?? /^\[(\d+)\/(\d+)\]/.exec(l)
          if (m) progress(step, m[2] ? Math.floor((Number(m[1]) * 100) / Number(m[2])) : Number(m[1]))
        }
      })
    }
    onLines(proc.stdout)
    onLines(proc.stderr)
    proc.on('error', (err) => out.end(() => reject(err)))
    proc.on('close', (code, signal) =>
      out.end(() => (code === 0 ? resolve() : reject(new Error(`${step} stopped (${signal ?? `exit ${code}`})`)))),
    )
  })
}

/** On a terminal one line rewritten in place; in a log (CI, a pipe) a plain line per quarter. */
function progress(step, pct, redraw = false) {
  if (tty) {
    if (pct === shownPct && !redraw) return
    shownPct = pct
    process.stdout.write(`\r\x1b[K[engine] ${step}… ${pct}%${warnings ? ` (warnings so far: ${warnings}, in the log)` : ''}`)
  } else if (Math.floor(pct / 25) > Math.floor(Math.max(shownPct, 0) / 25) && pct < 100) {
    shownPct = pct
    log(`${step}… ${Math.floor(pct / 25) * 25}%`)
  }
}

function endProgress() {
  if (tty && shownPct >= 0) process.stdout.write('\r\x1b[K')
  tty = false
  shownPct = 101
}

/** The lines a person needs from a failed build: each error with the context the compiler printed under it. */
function errorLines(text) {
  const lines = text.split(/\r?\n/)
  const isError = (l) =>
    /(^|[\s:])(fatal )?error( [A-Z]+\d+)?:|^CMake Error|\*\*\* .*Error \d+|^FAILED:|^ninja: build stopped|undefined reference to|ld: /i.test(
      l,
    )
  const picked = []
  for (let i = 0; i < lines.length && picked.length < 120; i++) {
    if (!isError(lines[i])) continue
    picked.push(lines[i])
    // what the compiler prints under an error: the source line, the caret, notes; CMake: indented lines
    for (let j = i + 1; j < lines.length && j <= i + 8; j++) {
      const l = lines[j]
      if (isError(l) || COMPILER_WARNING.test(l) || /^\[\s*\d+%\]|^\[\d+\/\d+\]/.test(l) || !/^(\s|\d+ \||.*: note:)/.test(l))
        break
      picked.push(l)
      i = j
    }
  }
  return picked.length > 0 ? picked : lines.filter((l) => l.trim()).slice(-30)
}
