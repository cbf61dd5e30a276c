// Builds whisper.cpp's whisper-server and whisper-cli from the source tree that the pinned
// `nodejs-whisper` package carries, one folder per engine variant: engine/<platform>-<arch> (CPU,
// always) and engine/<platform>-<arch>-<variant> for the GPU builds this machine can make (Vulkan
// on Linux and Windows, Metal on macOS, CUDA where its toolkit is installed). Runs as this
// project's own postinstall; a second install with the same source and options reuses the cache.
//
//   node scripts/build-engine.mjs            development build (GGML_NATIVE: this CPU's best code)
//   node scripts/build-engine.mjs --portable packaged build: GGML_BACKEND_DL + GGML_CPU_ALL_VARIANTS
//                                            (best CPU code chosen at run time, never an illegal
//                                            instruction)
//   --variants=cpu,vulkan                    exactly these (also MP4TOTEXT_ENGINE_VARIANTS); one the
//                                            machine cannot build is an error. Default: auto
//   --coreml                                 the Metal build with the CoreML encoder as well
//   --jobs=N                                 compiler jobs (also MP4TOTEXT_ENGINE_JOBS; default: all cores)
//   --force                                  rebuild even when the cache matches
//   MP4TOTEXT_ENGINE_OUT=DIR                 the variants' folders go to DIR instead of engine/
//
// The Vulkan variant carries a small device lister of ours (scripts/engine-probe) that tells the
// app whether a device is a GPU or a CPU implementation such as Mesa's lavapipe.
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
const common = [
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
      ]
    : ['-DGGML_NATIVE=ON', '-DBUILD_SHARED_LIBS=OFF']),
]

/**
 * The engine variants: each its own build in its own folder, engine/<platform>-<arch>[-<variant>],
 * so a GPU build that fails to load on a user's machine never takes the CPU build down with it.
 * `can` says whether this machine has what the variant's build needs (null: yes, else why not).
 */
const VARIANTS = {
  cpu: {
    // whisper.cpp turns Metal on by default on macOS: the CPU build is CPU only
    options: process.platform === 'darwin' ? ['-DGGML_METAL=OFF'] : [],
    can: () => null,
  },
  vulkan: {
    options: ['-DGGML_VULKAN=ON'],
    // the device list the app reads (scripts/engine-probe): is the device a GPU or a CPU implementation?
    probe: true,
    can: () =>
      process.platform === 'darwin'
        ? 'on macOS the Metal build is used'
        : !have('glslc')
          ? 'glslc (the shader compiler: Debian "glslc", or the Vulkan SDK) is not installed'
          : !(process.env.VULKAN_SDK || existsSync('/usr/include/vulkan/vulkan.h'))
            ? 'the Vulkan headers (Debian "libvulkan-dev", or the Vulkan SDK) are not installed'
            : !(process.env.VULKAN_SDK || existsSync('/usr/include/spirv/unified1/spirv.hpp'))
              ? 'the SPIR-V headers (Debian "spirv-headers", or the Vulkan SDK) are not installed'
              : !vulkanHeadersNewEnough()
                ? 'the Vulkan headers are too old for ggml (they lack VK_EXT_layer_settings: Vulkan SDK 1.3.268 or newer is needed; Debian 12 has 1.3.239)'
                : null,
  },
  metal: {
    options: ['-DGGML_METAL=ON', '-DGGML_METAL_EMBED_LIBRARY=ON', ...(args.has('--coreml') ? ['-DWHISPER_COREML=ON'] : [])],
    can: () => (process.platform === 'darwin' ? null : 'Metal exists only on macOS'),
  },
  cuda: {
    // the GPU generations to compile for: this machine's, or (portable, or no GPU here) a list
    // covering Turing to Hopper; MP4TOTEXT_CUDA_ARCHITECTURES overrides
    options: [
      '-DGGML_CUDA=ON',
      `-DCMAKE_CUDA_ARCHITECTURES=${process.env.MP4TOTEXT_CUDA_ARCHITECTURES || (portable || !nvidiaGpu() ? '75;80;86;89;90' : 'native')}`,
    ],
    can: () => (have('nvcc') ? null : 'the CUDA toolkit (nvcc) is not installed'),
    // a toolkit without a GPU (a CI image, a container) builds CUDA only when asked to
    auto: () => nvidiaGpu(),
  },
}

function vulkanHeadersNewEnough() {
  const header = process.env.VULKAN_SDK
    ? path.join(process.env.VULKAN_SDK, 'include', 'vulkan', 'vulkan_core.h')
    : '/usr/include/vulkan/vulkan_core.h'
  // an SDK folder without the usual layout: let the compiler judge
  if (!existsSync(header)) return true
  return readFileSync(header, 'utf8').includes('VK_EXT_layer_settings')
}

function nvidiaGpu() {
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' })
  return r.status === 0 && /^GPU \d+:/m.test(r.stdout)
}

// --variants=cpu,vulkan (or MP4TOTEXT_ENGINE_VARIANTS): exactly those, and a variant this machine
// cannot build is an error. Default "auto": the CPU build and every GPU build the machine can make.
const variantArg = process.argv.find((a) => a.startsWith('--variants='))?.slice('--variants='.length)
const asked = (variantArg ?? process.env.MP4TOTEXT_ENGINE_VARIANTS ?? 'auto').trim() || 'auto'
const unknown = asked === 'auto' ? [] : asked.split(',').filter((v) => !(v.trim() in VARIANTS))
if (unknown.length > 0) {
  log(`unknown engine variant ${unknown.join(', ')} (known: ${Object.keys(VARIANTS).join(', ')}, auto)`)
  process.exit(1)
}
const wanted =
  asked === 'auto'
    ? Object.keys(VARIANTS).filter((v) => v === 'cpu' || (VARIANTS[v].can() === null && (VARIANTS[v].auto?.() ?? true)))
    : asked.split(',').map((v) => v.trim())
let failed = false
for (const v of wanted) {
  const why = VARIANTS[v].can()
  if (why) {
    log(`${v} build not possible here: ${why}`)
    failed = true
  }
}
if (failed) process.exit(args.has('--strict') ? 1 : 0)

// --jobs=N (or MP4TOTEXT_ENGINE_JOBS): a shared machine keeps cores for others
const jobsArg = process.argv.find((a) => a.startsWith('--jobs='))?.slice('--jobs='.length) ?? process.env.MP4TOTEXT_ENGINE_JOBS
const jobs = String(Math.max(1, Number(jobsArg) || (os.availableParallelism?.() ?? os.cpus().length)))
const cacheDir = path.join(root, '.cache')
// MP4TOTEXT_ENGINE_OUT: where the variants' folders go (default engine/); CI builds the slow
// Vulkan variant there while the tests run, and moves it into engine/ once they are done
const engineOut = path.resolve(process.env.MP4TOTEXT_ENGINE_OUT || path.join(root, 'engine'))
const logFile = path.join(cacheDir, 'engine-build.log')
const logShown = path.relative(process.cwd(), logFile) || logFile
// the patches are part of what is built: changing one rebuilds, however the cache looks
const patches = createHash('sha256')
for (const f of patchFiles) patches.update(readFileSync(f))
const patchHash = patches.digest('hex').slice(0, 16)
const exe = (name) => (process.platform === 'win32' ? `${name}.exe` : name)
const PROBE = 'mp4totext-vk-devices'
const probeSource = path.join(root, 'scripts', 'engine-probe')
const probeHash = createHash('sha256')
for (const f of readdirSync(probeSource).sort()) probeHash.update(readFileSync(path.join(probeSource, f)))
let warnings = 0
const COMPILER_WARNING = /(^|[\s:])warning( [A-Z]+\d+)?:/i
let shownPct = -1
let tty = process.stdout.isTTY === true
let logStarted = false

for (const variant of wanted) await buildVariant(variant)
// builds of other sources or options are dead weight in .cache (each variant keeps its newest)
if (existsSync(cacheDir)) {
  const keep = new Set(wanted.map((v) => buildKeyOf(v)))
  for (const f of readdirSync(cacheDir)) {
    const m = /^whisper-(?:build|src)-(?:([a-z]+)-)?([0-9a-f]{16})$/.exec(f)
    // only the variants built now: another variant's folder keeps its next build incremental
    if (m && wanted.includes(m[1] ?? 'cpu') && !keep.has(m[2])) rmSync(path.join(cacheDir, f), { recursive: true, force: true })
  }
}

function optionsOf(variant) {
  return [...common, ...VARIANTS[variant].options]
}

// the build folders outlive a patch change: only the patched files are recompiled then
function buildKeyOf(variant) {
  // the CPU build keeps the key it always had, so an existing build cache stays valid
  const options = variant === 'cpu' && VARIANTS.cpu.options.length === 0 ? common : optionsOf(variant)
  return createHash('sha256').update(JSON.stringify({ version, platform, options })).digest('hex').slice(0, 16)
}

async function buildVariant(variant) {
  const options = optionsOf(variant)
  const label = variant === 'cpu' ? platform : `${platform} (${variant})`
  const hashed = {
    version,
    platform,
    options: variant === 'cpu' && VARIANTS.cpu.options.length === 0 ? common : options,
    patchHash,
  }
  if (VARIANTS[variant].probe) hashed.probe = probeDigest()
  const stamp = createHash('sha256').update(JSON.stringify(hashed)).digest('hex').slice(0, 16)
  const buildKey = buildKeyOf(variant)
  const outDir = path.join(engineOut, variant === 'cpu' ? platform : `${platform}-${variant}`)
  const stampFile = path.join(outDir, 'build-stamp.json')
  if (!force && existsSync(stampFile)) {
    const old = JSON.parse(readFileSync(stampFile, 'utf8'))
    if (old.stamp === stamp && existsSync(path.join(outDir, exe('whisper-server')))) {
      log(`whisper.cpp ${version} already built for ${label} (${portable ? 'portable' : 'native'}); cached`)
      return
    }
  }
  const tag = variant === 'cpu' ? '' : `${variant}-`
  const buildDir = path.join(cacheDir, `whisper-build-${tag}${buildKey}`)
  const srcCopy = path.join(cacheDir, `whisper-src-${tag}${buildKey}`)
  log(`building whisper.cpp ${version} for ${label} (${portable ? 'portable' : 'native'}) with ${jobs} jobs…`)
  const t0 = Date.now()
  mkdirSync(cacheDir, { recursive: true })
  const header = `whisper.cpp ${version} for ${label}, ${new Date().toISOString()}\n`
  if (logStarted) appendFileSync(logFile, `\n${header}`)
  else writeFileSync(logFile, header)
  logStarted = true
  warnings = 0
  shownPct = -1
  tty = process.stdout.isTTY === true
  const probeBuild = path.join(cacheDir, `engine-probe-${buildKey}`)
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
    if (VARIANTS[variant].probe) {
      await run('cmake', ['-S', probeSource, '-B', probeBuild, '-DCMAKE_BUILD_TYPE=Release'], 'configuring the device probe')
      await run('cmake', ['--build', probeBuild, '--config', 'Release', '--target', PROBE], 'compiling the device probe')
    }
  } catch (err) {
    endProgress()
    const shown = errorLines(readFileSync(logFile, 'utf8'))
    appendFileSync(logFile, `\n${err.message}\n`)
    log(`${label} build failed: ${err.message}`)
    for (const l of shown) console.log(l)
    log(`full log: ${logShown}`)
    log('Everything but transcription works without the engine; fix the cause, then run "npm run build:engine".')
    process.exit(args.has('--strict') ? 1 : 0)
  }
  endProgress()

  mkdirSync(outDir, { recursive: true })
  const binOf = (dir, name) =>
    [path.join(dir, 'bin', 'Release'), path.join(dir, 'bin')].find((d) => existsSync(path.join(d, exe(name))))
  const binDir = binOf(buildDir, 'whisper-server')
  if (!binDir) {
    log(`${label} build finished but whisper-server was not found`)
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
  if (VARIANTS[variant].probe) {
    const probeDir = binOf(probeBuild, PROBE)
    if (!probeDir) {
      log(`${label} build finished but the device probe (${PROBE}) was not found`)
      process.exit(args.has('--strict') ? 1 : 0)
    }
    install(path.join(probeDir, exe(PROBE)), path.join(outDir, exe(PROBE)))
  }
  const seconds = Math.round((Date.now() - t0) / 1000)
  writeFileSync(
    stampFile,
    JSON.stringify(
      {
        stamp,
        version,
        platform,
        variant,
        portable,
        options,
        patchHash,
        builtAt: new Date().toISOString(),
        buildSeconds: seconds,
      },
      null,
      2,
    ),
  )
  log(
    `done in ${seconds} s → ${path.relative(root, outDir)}` +
      ` (${warnings} compiler warning${warnings === 1 ? '' : 's'}; full log: ${logShown})`,
  )
}

function probeDigest() {
  return probeHash.copy().digest('hex').slice(0, 16)
}

/** Copy, then rename over the target: a running engine keeps its old file (no ETXTBSY), new starts get the new one. */
function install(from, to) {
  const tmp = `${to}.new-${process.pid}`
  copyFileSync(from, tmp)
  renameSync(tmp, to)
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
