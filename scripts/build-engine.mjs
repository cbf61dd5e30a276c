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
// Without CMake or a C++ compiler the install still succeeds: transcription then reports how to
// build the engine, and everything else works.
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

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
const stamp = createHash('sha256').update(JSON.stringify({ version, platform, options })).digest('hex').slice(0, 16)
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

const buildDir = path.join(root, '.cache', `whisper-build-${stamp}`)
const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length))
log(`building whisper.cpp ${version} for ${platform} (${portable ? 'portable' : 'native'}) with ${jobs} jobs…`)
const t0 = Date.now()
try {
  execFileSync('cmake', ['-S', source, '-B', buildDir, ...options], { stdio: ['ignore', 'ignore', 'inherit'] })
  execFileSync('cmake', ['--build', buildDir, '--config', 'Release', '-j', jobs, '--target', 'whisper-server', 'whisper-cli'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
} catch (err) {
  log(`build failed: ${err.message}`)
  process.exit(args.has('--strict') ? 1 : 0)
}

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
    copyFileSync(path.join(binDir, f), path.join(outDir, f))
}
for (const libDir of [path.join(buildDir, 'src'), path.join(buildDir, 'ggml', 'src')]) {
  if (!existsSync(libDir)) continue
  for (const f of readdirSync(libDir))
    if (/\.(so|dylib|dll)(\.\d+)*$/.test(f)) copyFileSync(path.join(libDir, f), path.join(outDir, f))
}
writeFileSync(
  stampFile,
  JSON.stringify({ stamp, version, platform, portable, options, builtAt: new Date().toISOString() }, null, 2),
)
log(`done in ${Math.round((Date.now() - t0) / 1000)} s → ${path.relative(root, outDir)}`)

function hasVulkan() {
  return (
    spawnSync('glslc', ['--version'], { stdio: 'ignore' }).status === 0 &&
    (process.env.VULKAN_SDK || existsSync('/usr/include/vulkan/vulkan.h'))
  )
}
