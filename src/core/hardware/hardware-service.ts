import type { BackendProbe, BenchResult, EngineBackend, HardwareStatus } from '../../shared/calls/hardware-calls'
import type { Store } from '../store/store'
import { chooseBackend, cpuModel, cpuThreads, machineKey, probeBackends, type EngineChoice } from './backends'
import { recommendFromBench } from './recommend'

/**
 * This machine's engine builds and devices: probed once per session (again on request), the
 * backend transcription uses (the setting, the measured speeds, and what failed to start this
 * session), and the figures "Test this computer" measured.
 */
export class HardwareService {
  private probing: Promise<BackendProbe[]> | null = null
  /** builds that failed to start or found no device this session, and why: the CPU runs the work */
  private readonly failed: Partial<Record<EngineBackend, string>> = {}

  constructor(private readonly deps: { store: Store; resourcesDir?: string; env?: NodeJS.ProcessEnv }) {}

  probes(refresh = false): Promise<BackendProbe[]> {
    if (refresh || !this.probing) {
      if (refresh) for (const k of Object.keys(this.failed)) delete this.failed[k as EngineBackend]
      this.probing = probeBackends({ resourcesDir: this.deps.resourcesDir, env: this.deps.env })
    }
    return this.probing
  }

  /** The figures measured on this machine. */
  bench(): BenchResult[] {
    return this.deps.store.data.hardware[machineKey()]?.bench ?? []
  }

  async choice(): Promise<EngineChoice> {
    return chooseBackend(await this.probes(), this.deps.store.data.settings.engineBackend, this.bench(), this.failed)
  }

  /** A GPU build that did not start, or started without a device: not used again this session. */
  noteFailure(backend: EngineBackend, reason: string): void {
    if (backend !== 'cpu') this.failed[backend] = reason
  }

  async status(refresh = false): Promise<HardwareStatus> {
    const probes = await this.probes(refresh)
    const chosen = await this.choice()
    const bench = this.bench()
    const realGpu = probes.some((p) => p.usable && p.devices.some((d) => d.kind === 'gpu'))
    return {
      machine: machineKey(),
      cpu: { model: cpuModel(), cores: cpuThreads() },
      setting: this.deps.store.data.settings.engineBackend,
      probes: probes.map((p) => (this.failed[p.backend] ? { ...p, reason: this.failed[p.backend]! } : p)),
      chosen: { backend: chosen.backend, device: chosen.device, kind: chosen.kind },
      fallbackReason: chosen.fallbackReason,
      fallbackWhy: chosen.fallbackWhy,
      gpuUnused: realGpu && chosen.kind !== 'gpu',
      bench,
      recommendedModel: recommendFromBench(bench, chosen.backend),
    }
  }

  /** Stores one run's figures for this machine (replacing that model × backend's older one). */
  async record(results: BenchResult[]): Promise<void> {
    const key = machineKey()
    await this.deps.store.mutate((db) => {
      const old = db.hardware[key]?.bench ?? []
      const fresh = new Set(results.map((r) => `${r.model}|${r.backend}`))
      db.hardware[key] = { bench: [...old.filter((r) => !fresh.has(`${r.model}|${r.backend}`)), ...results] }
    })
  }
}
