// npm run bench:transcribe — ratios against baselines measured in the same run.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decodeWindows, SAMPLE_RATE, wavFile } from '../src/core/media/decode'
import { monoAudioArgs } from '../src/core/media/ffmpeg-input'
import { ffmpegPath } from '../src/core/media/ffmpeg-path'
import { whisperServerPath } from '../src/core/transcribe/engine-paths'
import { transcribeFile } from '../src/core/transcribe/transcriber'
import { WhisperServer } from '../src/core/transcribe/whisper-server'
import { printTable } from './table'
import { timingModel } from './timing-model'

const root = path.resolve(import.meta.dirname, '..')
const THREADS = Math.min(2, os.availableParallelism())
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3))
// no timestamps: each decode covers a whole 30 s window, one encoder pass, on both sides
const params = { language: 'en', translate: false, prompt: '', noFallback: true, noTimestamps: true }

function makeAudio(dir: string, name: string, seconds: number, video = false): string {
  const file = path.join(dir, name)
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `anoisesrc=d=${seconds}:r=44100:a=0.2`]
  if (video)
    args.push(
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=160x120:rate=5:duration=${seconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
    )
  args.push('-ac', '2', '-t', String(seconds), file)
  execFileSync(ffmpegPath(), args)
  return file
}

async function pcmWav(file: string): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const w of decodeWindows(file, 3600)) parts.push(readFileSync(w.wavPath).subarray(44))
  return wavFile(Buffer.concat(parts))
}

const time = async (fn: () => Promise<unknown> | unknown) => {
  const t0 = performance.now()
  await fn()
  return (performance.now() - t0) / 1000
}

/** Peak RSS of a fresh process transcribing `file` (the app's side: node + decode buffers). */
function peakRss(file: string, model: string): { rssMiB: number; engineRssMiB: number } {
  const script = `
    import { WhisperServer } from ${JSON.stringify(path.join(root, 'src/core/transcribe/whisper-server.ts'))}
    import { transcribeFile } from ${JSON.stringify(path.join(root, 'src/core/transcribe/transcriber.ts'))}
    import { whisperServerPath } from ${JSON.stringify(path.join(root, 'src/core/transcribe/engine-paths.ts'))}
    import { readFileSync } from 'node:fs'
    const e = await WhisperServer.start({ serverPath: whisperServerPath(), modelPath: ${JSON.stringify(model)}, threads: ${THREADS} })
    let engine = 0
    const sample = () => { try { const m = /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/' + e.pid + '/status', 'utf8')); if (m) engine = Math.max(engine, Number(m[1])) } catch {} }
    const t = setInterval(sample, 100)
    await transcribeFile(${JSON.stringify(file)}, e, ${JSON.stringify(params)})
    sample(); clearInterval(t); e.kill()
    console.log(JSON.stringify({ rss: process.resourceUsage().maxRSS, engine }))
  `
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rss-'))
  writeFileSync(path.join(dir, 'rss.mts'), script)
  const out = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, 'rss.mts')], { cwd: root, encoding: 'utf8' })
  rmSync(dir, { recursive: true, force: true })
  const r = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { rss: number; engine: number }
  return { rssMiB: r.rss / 1024, engineRssMiB: r.engine / 1024 }
}

/**
 * CPU seconds the children that `fn` started and this process reaped took (Linux: the
 * cutime + cstime fields of /proc/self/stat), or null where that is not readable.
 */
function childrenCpu(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')
    // fields[0] is the state (field 3): cutime and cstime are fields 16 and 17
    return (Number(fields[13]) + Number(fields[14])) / 100
  } catch {
    return null
  }
}
function childCpuSec(fn: () => void): number | null {
  const before = childrenCpu()
  fn()
  const after = childrenCpu()
  return before === null || after === null ? null : after - before
}
async function childCpuSecAsync(fn: () => Promise<void>): Promise<number> {
  const before = childrenCpu() ?? 0
  await fn()
  return (childrenCpu() ?? 0) - before
}

async function main() {
  const model = await timingModel()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-bench-'))
  try {
    const clipSec = 600
    const clip = makeAudio(dir, 'clip.mp4', clipSec, true)
    const wavPath = path.join(dir, 'clip.wav')
    writeFileSync(wavPath, await pcmWav(clip))
    const windows = clipSec / 30

    // (c) decode throughput, and what it costs in CPU against ffmpeg decoding alone: on a machine
    // whose cores all run the engine, every CPU second spent decoding is taken from the engine.
    // Measured before any engine runs: the children's CPU counts every child this process reaped
    const long = makeAudio(dir, 'long.m4a', 1800)
    const ffmpegAloneCpu = childCpuSec(() => {
      spawnSync(ffmpegPath(), [...monoAudioArgs(long, undefined, SAMPLE_RATE), '-f', 's16le', '-y', os.devNull])
    })
    let decodeSec = 0
    const cpu0 = process.cpuUsage()
    const decodeCpu = await childCpuSecAsync(async () => {
      decodeSec = await time(async () => {
        for await (const w of decodeWindows(long, 600)) void w
      })
    })
    const ownCpu = process.cpuUsage(cpu0)
    const decodeCpuSec = decodeCpu + (ownCpu.user + ownCpu.system) / 1e6

    // (a) whisper.cpp's own CLI, built natively from the same source, same model and threads:
    // its wall time less the model-load time it reports, against the app's warm engine
    const cli = path.join(path.dirname(whisperServerPath()), process.platform === 'win32' ? 'whisper-cli.exe' : 'whisper-cli')
    // Rounds interleave the three runs, and each side keeps its fastest: whatever else the
    // machine does in the meantime only slows a run down, so the minimum is the least disturbed
    let cliWorkSec = Infinity
    let engineSec = Infinity
    let pipelineSec = Infinity
    const engine = await WhisperServer.start({ serverPath: whisperServerPath(), modelPath: model, threads: THREADS })
    for (let round = 0; round < ROUNDS; round++) {
      let cliLoadMs = 0
      const cliSec = await time(() => {
        const r = spawnSync(cli, ['-m', model, '-f', wavPath, '-t', String(THREADS), '-nf', '-nt', '-np'], { encoding: 'utf8' })
        cliLoadMs = Number(/load time =\s*([\d.]+) ms/.exec(r.stderr)?.[1] ?? 0)
      })
      cliWorkSec = Math.min(cliWorkSec, cliSec - cliLoadMs / 1000)
      engineSec = Math.min(engineSec, await time(() => engine.transcribe(wavPath, params)))
      // (b) the whole pipeline (probe, decode from mp4, windows, offsets) vs the engine on PCM
      pipelineSec = Math.min(pipelineSec, await time(() => transcribeFile(clip, engine, params)))
    }
    engine.kill()

    // (d) peak RSS, 3 vs 30 minutes
    const short = makeAudio(dir, 'short.m4a', 180)
    const r3 = peakRss(short, model)
    const r30 = peakRss(long, model)

    printTable(
      `Transcription (${os.cpus()[0]?.model.trim()}, ${THREADS} threads, tiny-shaped timing model, fastest of ${ROUNDS} rounds)`,
      [
        ['measure', 'baseline', 'app', 'ratio', 'goal'],
        [
          '(a) per 30 s window: whisper-cli → the app’s warm engine (model load excluded)',
          `${(cliWorkSec / windows).toFixed(3)} s`,
          `${(engineSec / windows).toFixed(3)} s`,
          `${(engineSec / cliWorkSec).toFixed(2)}×`,
          '≤ 1.10×',
        ],
        [
          `(b) ${clipSec / 60} min mp4: engine on pre-decoded PCM → whole pipeline`,
          `${engineSec.toFixed(2)} s`,
          `${pipelineSec.toFixed(2)} s`,
          `${(pipelineSec / engineSec).toFixed(2)}×`,
          '≤ 1.03×',
        ],
        [
          '(c) decode 30 min of AAC to 16 kHz mono',
          '30 min audio',
          `${decodeSec.toFixed(1)} s`,
          `${Math.round(1800 / decodeSec)}× realtime`,
          '',
        ],
        [
          '(c) CPU to decode 30 min: ffmpeg alone → the app (ffmpeg + reading its output)',
          ffmpegAloneCpu === null ? 'n/a' : `${ffmpegAloneCpu.toFixed(2)} s`,
          ffmpegAloneCpu === null ? 'n/a' : `${decodeCpuSec.toFixed(2)} s`,
          ffmpegAloneCpu === null ? 'n/a' : `${(decodeCpuSec / ffmpegAloneCpu).toFixed(2)}×`,
          '≤ 1.25×',
        ],
        [
          '(d) peak RSS of the app process: 3 min → 30 min',
          `${r3.rssMiB.toFixed(0)} MiB`,
          `${r30.rssMiB.toFixed(0)} MiB`,
          `+${(r30.rssMiB - r3.rssMiB).toFixed(0)} MiB`,
          '≤ +50 MiB',
        ],
        [
          '(d) peak RSS of the engine process: 3 min → 30 min',
          `${r3.engineRssMiB.toFixed(0)} MiB`,
          `${r30.engineRssMiB.toFixed(0)} MiB`,
          `+${(r30.engineRssMiB - r3.engineRssMiB).toFixed(0)} MiB`,
          '',
        ],
      ],
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
