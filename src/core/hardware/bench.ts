import { existsSync, promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchReport, BenchResult, EngineBackend } from '../../shared/calls/hardware-calls'
import { AppError, keyedError, storedError } from '../../shared/errors'
import type { EventBus } from '../event-bus'
import { clipToWav } from '../media/clip'
import type { ModelManager } from '../models/model-manager'
import { engineRunDir } from '../runtime/engine-record'
import { whisperServerPath } from '../transcribe/engine-paths'
import { WhisperServer } from '../transcribe/whisper-server'
import { chooseBackend, machineKey } from './backends'
import type { HardwareService } from './hardware-service'
import { recommendFromBench } from './recommend'

/** 30 s of generated English speech (espeak-ng, text beside it), as Opus: 81 KB in the app. */
export const BENCH_CLIP = 'speech-30s.opus'
export const BENCH_CLIP_SEC = 30

/** The clip: the packaged app's resources/bench, or resources/bench in a checkout. */
export function benchClipPath(resourcesDir?: string): string {
  const candidates: string[] = []
  if (resourcesDir) candidates.push(path.join(resourcesDir, 'bench', BENCH_CLIP))
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    candidates.push(path.join(dir, 'resources', 'bench', BENCH_CLIP))
    dir = path.dirname(dir)
  }
  const found = candidates.find((c) => existsSync(c))
  if (!found)
    throw keyedError(
      'internal',
      'app-incomplete',
      { part: BENCH_CLIP },
      `The benchmark clip (${BENCH_CLIP}) is missing from the app's resources. Reinstall the app.`,
    )
  return found
}

export interface BenchDeps {
  events: EventBus
  models: ModelManager
  hardware: HardwareService
  dataDir: string
  threads: () => number
  resourcesDir?: string
  env?: NodeJS.ProcessEnv
}

/**
 * "Test this computer": the same 30 s of speech on every installed model and every backend that
 * can run here, each on a freshly started engine (model loading is not timed, one warm-up run on a
 * GPU is not counted: it compiles the GPU's programs). The real-time factors are stored for this
 * machine and drive the recommendation and the automatic backend choice.
 */
export class BenchRunner {
  private running: Promise<BenchReport> | null = null

  constructor(private readonly deps: BenchDeps) {}

  run(input: { models?: string[]; backends?: EngineBackend[] } = {}): Promise<BenchReport> {
    if (this.running) throw keyedError('invalid-input', 'bench-running', {}, 'The hardware test is already running.')
    this.running = this.measure(input).finally(() => (this.running = null))
    return this.running
  }

  private async measure(input: { models?: string[]; backends?: EngineBackend[] }): Promise<BenchReport> {
    const { hardware } = this.deps
    const installed = (await this.deps.models.list()).filter((m) => m.installed && m.path)
    const models = input.models ? installed.filter((m) => input.models!.includes(m.name)) : installed
    if (models.length === 0) {
      // the CLI names models; the app's page does not
      if (input.models) throw new AppError('invalid-input', `None of these models is installed: ${input.models.join(', ')}`)
      throw keyedError('invalid-input', 'bench-no-model', {}, 'Install a whisper model first (Models page).')
    }
    const probes = await hardware.probes(true)
    // a backend whose only device is a CPU implementation (lavapipe) is measured only when asked
    // for by name: it is the CPU's work through a slower path
    const softwareOnly = (p: (typeof probes)[number]) => p.backend !== 'cpu' && !p.devices.some((d) => d.kind === 'gpu')
    const backends = probes.filter((p) =>
      input.backends ? input.backends.includes(p.backend) && p.usable : p.usable && !softwareOnly(p),
    )
    const failures: BenchReport['failures'] = probes
      .filter((p) => (input.backends ? input.backends.includes(p.backend) && !p.usable : p.usable && softwareOnly(p)))
      .flatMap((p) =>
        models.map((m) => ({
          model: m.name,
          backend: p.backend,
          reason: p.usable
            ? `not measured: ${p.reason ?? 'no GPU'} (ask for it by name to measure it)`
            : (p.reason ?? 'cannot run here'),
          // the app meets only the first (it names no backend); an unusable one is asked for by the CLI
          ...(p.usable
            ? {
                error: {
                  code: 'invalid-input',
                  key: 'bench-software-only',
                  params: { devices: p.devices.map((d) => d.name).join(', ') },
                },
              }
            : {}),
        })),
      )
    const work = await fs.mkdtemp(path.join(os.tmpdir(), 'mp4totext-bench-'))
    const results: BenchResult[] = []
    try {
      const wav = path.join(work, 'clip.wav')
      await clipToWav(benchClipPath(this.deps.resourcesDir), 0, BENCH_CLIP_SEC, wav, { env: this.deps.env })
      const total = models.length * backends.length
      let done = 0
      for (const probe of backends) {
        // the device as transcription would use it when this backend is forced
        const choice = chooseBackend(probes, probe.backend)
        for (const m of models) {
          this.deps.events.emit('hardware.bench', { done, total, model: m.name, backend: probe.backend })
          try {
            results.push(await this.once(m.name, m.path!, probe.backend, choice.env, choice.device, wav))
          } catch (err) {
            const { message, error } = storedError(err)
            failures.push({ model: m.name, backend: probe.backend, reason: message, error })
          }
          done++
        }
      }
      this.deps.events.emit('hardware.bench', { done, total, model: '', backend: 'cpu' })
    } finally {
      await fs.rm(work, { recursive: true, force: true })
    }
    await hardware.record(results)
    const status = await hardware.status()
    return {
      machine: machineKey(),
      clipSec: BENCH_CLIP_SEC,
      results,
      failures,
      recommendedModel: status.recommendedModel ?? recommendFromBench(results, 'cpu'),
    }
  }

  private async once(
    model: string,
    modelPath: string,
    backend: EngineBackend,
    env: Record<string, string>,
    device: string,
    wav: string,
  ): Promise<BenchResult> {
    const engine = await WhisperServer.start({
      serverPath: whisperServerPath({ resourcesDir: this.deps.resourcesDir, env: this.deps.env, backend }),
      modelPath,
      threads: this.deps.threads(),
      backend,
      env,
      runDir: engineRunDir(this.deps.dataDir),
    })
    try {
      if (backend !== 'cpu' && !engine.gpuDevice)
        throw new AppError('internal', `the ${backend} build found no device to compute on`)
      // the same fixed work everywhere: greedy decoding, no temperature fallback
      const params = { language: 'en', translate: false, prompt: '', noFallback: true }
      if (backend !== 'cpu') await engine.transcribe(wav, params)
      const t0 = performance.now()
      await engine.transcribe(wav, params)
      const elapsedSec = (performance.now() - t0) / 1000
      return {
        model,
        backend,
        device,
        rtf: round3(elapsedSec / BENCH_CLIP_SEC),
        audioSec: BENCH_CLIP_SEC,
        elapsedSec: round3(elapsedSec),
        at: new Date().toISOString(),
      }
    } finally {
      engine.kill()
    }
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000
