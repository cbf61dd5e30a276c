import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {
  BackendProbe,
  BenchResult,
  EngineBackend,
  EngineBackendSetting,
  GpuWhy,
  HardwareDevice,
} from '../../shared/calls/hardware-calls'
import { engineDir, exe } from '../transcribe/engine-paths'

/** Which build runs the work, on which device, and what its environment needs to say so. */
export interface EngineChoice {
  backend: EngineBackend
  device: string
  kind: HardwareDevice['kind']
  /** GGML_VK_VISIBLE_DEVICES for a Vulkan device ggml would not pick itself (a CPU implementation) */
  env: Record<string, string>
  /** a GPU backend was wanted but the CPU runs the work: why (English) */
  fallbackReason: string | null
  /** the same, per backend, for the page to word */
  fallbackWhy: GpuWhy[]
}

/** Without measurements: the backends that are usually fastest first. */
const PRIORITY: EngineBackend[] = ['cuda', 'metal', 'vulkan']

/** The device lister built with the Vulkan variant (scripts/engine-probe). */
export const VK_PROBE = 'mp4totext-vk-devices'

export function cpuDevice(): HardwareDevice {
  return { backend: 'cpu', index: null, name: cpuName(), kind: 'cpu' }
}

export function cpuName(): string {
  return `${cpuModel()} (${cpuThreads()} threads)`
}

/** The processor as the system names it (the page words its threads itself). */
export function cpuModel(): string {
  return os.cpus()[0]?.model.trim() || os.arch()
}

export function cpuThreads(): number {
  return os.availableParallelism?.() ?? os.cpus().length
}

/** A machine's name for its benchmark figures: a shared data folder holds several machines'. */
export function machineKey(): string {
  return `${os.hostname()}|${os.cpus()[0]?.model.trim() ?? os.arch()}|${os.availableParallelism?.() ?? os.cpus().length}`
}

function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000, env, windowsHide: true }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      resolve({ code, out: String(stdout), err: error && code === -1 ? `${error.message}\n${String(stderr)}` : String(stderr) })
    })
  })
}

/** Parses the device lister's lines ("device <i>\t<type>\t<api>\t<name>"). */
export function parseVulkanDevices(out: string): HardwareDevice[] {
  const devices: HardwareDevice[] = []
  for (const line of out.split(/\r?\n/)) {
    const m = /^device (\d+)\t(\w+)\t[^\t]*\t(.+)$/.exec(line)
    if (!m) continue
    // a CPU implementation (lavapipe's "llvmpipe", SwiftShader) computes on the CPU: never a GPU
    const software = m[2] === 'cpu' || /llvmpipe|lavapipe|swiftshader/i.test(m[3]!)
    devices.push({ backend: 'vulkan', index: Number(m[1]), name: m[3]!.trim(), kind: software ? 'software' : 'gpu' })
  }
  return devices
}

/**
 * What each engine build can run on here. The CPU build always can; a GPU build is asked for its
 * devices (Vulkan: the device lister beside it; CUDA: nvidia-smi; Metal: every Mac that runs this
 * app has a Metal GPU). Whether a build really starts is learned when it is started.
 */
export async function probeBackends(opts: { resourcesDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BackendProbe[]> {
  const env = opts.env ?? process.env
  const cpuDir = engineDir('cpu', opts)
  const probes: BackendProbe[] = [
    {
      backend: 'cpu',
      installed: Boolean(env.MP4TOTEXT_WHISPER_SERVER) || cpuDir !== null,
      usable: true,
      devices: [cpuDevice()],
      reason: null,
    },
  ]
  for (const backend of ['vulkan', 'metal', 'cuda'] as const) {
    const dir = env.MP4TOTEXT_WHISPER_SERVER ? null : engineDir(backend, opts)
    if (!dir) {
      probes.push({
        backend,
        installed: false,
        usable: false,
        devices: [],
        reason: env.MP4TOTEXT_WHISPER_SERVER
          ? 'MP4TOTEXT_WHISPER_SERVER names the only engine to use'
          : `the ${backend} build is not installed`,
      })
      continue
    }
    probes.push(await probeBuild(backend, dir, env))
  }
  return probes
}

async function probeBuild(backend: Exclude<EngineBackend, 'cpu'>, dir: string, env: NodeJS.ProcessEnv): Promise<BackendProbe> {
  const base = { backend, installed: true }
  if (backend === 'vulkan') {
    const lister = path.join(dir, exe(VK_PROBE))
    if (!existsSync(lister))
      return {
        ...base,
        usable: false,
        devices: [],
        reason: `the device lister ${VK_PROBE} is missing from ${dir}`,
        why: { key: 'lister-missing', detail: path.join(dir, exe(VK_PROBE)) },
      }
    const r = await run(lister, [], env)
    if (r.code !== 0) {
      const why = /^error\t(.+)$/m.exec(r.out)?.[1] ?? (r.err.trim().split('\n')[0] || `exit ${r.code}`)
      return { ...base, usable: false, devices: [], reason: `no Vulkan driver: ${why}`, why: { key: 'no-driver', detail: why } }
    }
    const devices = parseVulkanDevices(r.out)
    if (devices.length === 0)
      return { ...base, usable: false, devices, reason: 'no Vulkan device found', why: { key: 'no-device' } }
    const gpu = devices.some((d) => d.kind === 'gpu')
    return {
      ...base,
      usable: true,
      devices,
      reason: gpu
        ? null
        : `the only Vulkan device${devices.length > 1 ? 's are CPU implementations' : ` (${devices[0]!.name}) is a CPU implementation`}, not a GPU`,
      ...(gpu ? {} : { why: { key: 'software-only' as const } }),
    }
  }
  if (backend === 'cuda') {
    const r = await run('nvidia-smi', ['-L'], env)
    const devices = [...r.out.matchAll(/^GPU (\d+): (.+?)(?: \(UUID.*)?$/gm)].map<HardwareDevice>((m) => ({
      backend,
      index: Number(m[1]),
      name: m[2]!.trim(),
      kind: 'gpu',
    }))
    if (devices.length === 0)
      return {
        ...base,
        usable: false,
        devices,
        reason: 'no NVIDIA GPU or driver found (nvidia-smi lists none)',
        why: { key: 'no-nvidia' },
      }
    return { ...base, usable: true, devices, reason: null }
  }
  return { ...base, usable: true, devices: [{ backend, index: 0, name: 'Apple GPU (Metal)', kind: 'gpu' }], reason: null }
}

/** The median real-time factor measured for a backend on this machine (any model), or null. */
function measured(bench: BenchResult[], backend: EngineBackend): number | null {
  const rtfs = bench.filter((b) => b.backend === backend).map((b) => b.rtf)
  if (rtfs.length === 0) return null
  rtfs.sort((a, b) => a - b)
  return rtfs[Math.floor(rtfs.length / 2)]!
}

/**
 * The backend transcription uses. A forced one if it can run (a CPU implementation too: asked for
 * by name); else "auto": among the builds with a real GPU, the one measured fastest on this machine
 * (the CPU too, if it measured faster), or without measurements the usually fastest. Backends that
 * failed to start this session (`failed`) are out, with their reason.
 */
export function chooseBackend(
  probes: BackendProbe[],
  setting: EngineBackendSetting,
  bench: BenchResult[] = [],
  failed: Partial<Record<EngineBackend, string>> = {},
): EngineChoice {
  const cpu: EngineChoice = { backend: 'cpu', device: cpuName(), kind: 'cpu', env: {}, fallbackReason: null, fallbackWhy: [] }
  const on = (p: BackendProbe, software: boolean): EngineChoice | null => {
    const d = p.devices.find((x) => x.kind === 'gpu') ?? (software ? p.devices.find((x) => x.kind === 'software') : undefined)
    if (!d) return null
    const env: Record<string, string> =
      p.backend === 'vulkan' && d.index !== null ? { GGML_VK_VISIBLE_DEVICES: String(d.index) } : {}
    return { backend: p.backend, device: d.name, kind: d.kind, env, fallbackReason: null, fallbackWhy: [] }
  }
  const why = (b: EngineBackend) => {
    const p = probes.find((x) => x.backend === b)
    return failed[b] ?? p?.reason ?? `the ${b} build cannot run here`
  }
  // the same reason for the page: a failure this session, the probe's, or a build not here
  const keyed = (b: EngineBackend): GpuWhy => {
    const f = failed[b]
    if (f !== undefined) return { backend: b, key: 'start-failed', detail: f }
    const p = probes.find((x) => x.backend === b)
    return { backend: b, ...(p?.installed && p.why ? p.why : { key: 'not-built' as const }) }
  }
  if (setting !== 'auto' && setting !== 'cpu') {
    const p = probes.find((x) => x.backend === setting)
    const choice = p?.usable && !failed[setting] ? on(p, true) : null
    return choice ?? { ...cpu, fallbackReason: `${setting}: ${why(setting)}`, fallbackWhy: [keyed(setting)] }
  }
  if (setting === 'cpu') return cpu
  const candidates = probes
    .filter((p) => p.backend !== 'cpu' && p.usable && !failed[p.backend])
    .map((p) => on(p, false))
    .filter((c): c is EngineChoice => c !== null)
  if (candidates.length === 0) {
    // say why a GPU build that is installed does not run the work
    const installed = probes.filter((p) => p.backend !== 'cpu' && p.installed)
    return {
      ...cpu,
      fallbackReason: installed.length ? installed.map((p) => `${p.backend}: ${why(p.backend)}`).join('; ') : null,
      fallbackWhy: installed.map((p) => keyed(p.backend)),
    }
  }
  const cpuRtf = measured(bench, 'cpu')
  const ranked = candidates
    .map((c) => ({ c, rtf: measured(bench, c.backend) }))
    .sort((a, b) =>
      a.rtf !== null && b.rtf !== null
        ? a.rtf - b.rtf
        : a.rtf !== null
          ? -1
          : b.rtf !== null
            ? 1
            : PRIORITY.indexOf(a.c.backend) - PRIORITY.indexOf(b.c.backend),
    )
  const best = ranked[0]!
  if (best.rtf !== null && cpuRtf !== null && cpuRtf < best.rtf)
    return {
      ...cpu,
      fallbackReason: `${best.c.backend} measured slower than the CPU on this machine (${best.rtf.toFixed(2)}× vs ${cpuRtf.toFixed(2)}×)`,
      fallbackWhy: [{ backend: best.c.backend, key: 'slower', rtf: best.rtf, cpuRtf }],
    }
  return best.c
}
