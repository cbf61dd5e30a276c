import { z } from 'zod'
import { StoredError } from '../errors'

/** The engine builds: CPU always; a GPU one where it was built (Vulkan, Metal, CUDA). */
export const EngineBackend = z.enum(['cpu', 'vulkan', 'metal', 'cuda'])
export type EngineBackend = z.infer<typeof EngineBackend>

/** Settings → Hardware: "auto" picks the fastest backend that works; the others force one. */
export const EngineBackendSetting = z.enum(['auto', 'cpu', 'vulkan', 'metal', 'cuda'])
export type EngineBackendSetting = z.infer<typeof EngineBackendSetting>

/**
 * One device a backend can run on. `kind` is what it really is: a Vulkan device that is a CPU
 * implementation (Mesa's lavapipe, "llvmpipe") is 'software', never 'gpu'.
 */
export const HardwareDevice = z.object({
  backend: EngineBackend,
  /** the device's index for the backend (GGML_VK_VISIBLE_DEVICES); null for the CPU */
  index: z.number().int().nullable(),
  name: z.string(),
  kind: z.enum(['cpu', 'gpu', 'software']),
})
export type HardwareDevice = z.infer<typeof HardwareDevice>

/**
 * Why a GPU build does not run the work, for the page to word in its language: software-only (its
 * only devices are CPU implementations), no-driver, no-device, lister-missing, no-nvidia,
 * start-failed (this session), not-built, slower (measured). `detail` is the driver's or the
 * engine's own words, shown apart from the sentence.
 */
export const GpuWhyKey = z.enum([
  'software-only',
  'no-driver',
  'no-device',
  'lister-missing',
  'no-nvidia',
  'start-failed',
  'not-built',
  'slower',
])
export const GpuWhy = z.object({
  backend: EngineBackend,
  key: GpuWhyKey,
  detail: z.string().optional(),
  /** slower: the measured real-time factors of the backend and of the CPU */
  rtf: z.number().optional(),
  cpuRtf: z.number().optional(),
})
export type GpuWhy = z.infer<typeof GpuWhy>

export const BackendProbe = z.object({
  backend: EngineBackend,
  /** the build is installed (engine/<platform>-<arch>[-<backend>]) */
  installed: z.boolean(),
  /** it can run here on a real device, or (software) on a CPU implementation */
  usable: z.boolean(),
  devices: z.array(HardwareDevice),
  /** why it is not used, in English (the CLI) */
  reason: z.string().nullable(),
  /** the same for the page to word (absent where nothing stops it) */
  why: GpuWhy.omit({ backend: true }).optional(),
})
export type BackendProbe = z.infer<typeof BackendProbe>

/** A measured real-time factor: seconds of work per second of audio (below 1: faster than real time). */
export const BenchResult = z.object({
  model: z.string(),
  backend: EngineBackend,
  device: z.string(),
  rtf: z.number().nonnegative(),
  audioSec: z.number().positive(),
  elapsedSec: z.number().nonnegative(),
  at: z.string(),
})
export type BenchResult = z.infer<typeof BenchResult>

export const HardwareStatus = z.object({
  /** the machine these figures are for (data folders can be shared between machines) */
  machine: z.string(),
  /** the processor's model as the system names it, and its threads */
  cpu: z.object({ model: z.string(), cores: z.number().int() }),
  setting: EngineBackendSetting,
  probes: z.array(BackendProbe),
  /** what transcription uses now */
  chosen: z.object({ backend: EngineBackend, device: z.string(), kind: z.enum(['cpu', 'gpu', 'software']) }),
  /** set when a GPU backend was wanted (auto or forced) but the CPU runs the work: why (English, the CLI) */
  fallbackReason: z.string().nullable(),
  /** the same, per backend, for the page to word */
  fallbackWhy: z.array(GpuWhy),
  /** a real GPU exists here, but the work runs on the CPU */
  gpuUnused: z.boolean(),
  bench: z.array(BenchResult),
  /** the model the measured speeds recommend (null: nothing measured yet) */
  recommendedModel: z.string().nullable(),
})
export type HardwareStatus = z.infer<typeof HardwareStatus>

export const BenchReport = z.object({
  machine: z.string(),
  clipSec: z.number(),
  results: z.array(BenchResult),
  /**
   * model × backend pairs that could not run, and why: `reason` in English (the CLI), `error`
   * (where there is one) for the app to word in its language
   */
  failures: z.array(z.object({ model: z.string(), backend: EngineBackend, reason: z.string(), error: StoredError.optional() })),
  recommendedModel: z.string().nullable(),
})
export type BenchReport = z.infer<typeof BenchReport>

export const hardwareCalls = {
  'hardware.status': { input: z.object({ refresh: z.boolean().default(false) }), output: HardwareStatus },
  /** "Test this computer": every installed model on every usable backend, on a fixed 30 s clip */
  'hardware.bench': {
    input: z.object({ models: z.array(z.string()).optional(), backends: z.array(EngineBackend).optional() }),
    output: BenchReport,
  },
} as const

export const hardwareEvents = {
  'hardware.bench': z.object({ done: z.number().int(), total: z.number().int(), model: z.string(), backend: EngineBackend }),
} as const
