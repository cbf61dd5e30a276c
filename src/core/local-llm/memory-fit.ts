import os from 'node:os'
import type { MemoryFit } from '../../shared/calls/local-llm-calls'
import type { GgufFacts } from './gguf-header'

export interface MemoryProbe {
  /** bytes the OS can give now (Linux: MemAvailable) */
  availableBytes: () => number
}

export const systemMemory: MemoryProbe = { availableBytes: () => os.freemem() }

const MiB = 1024 * 1024
/** the engine's compute buffers and the worker itself, beyond weights and KV cache */
const OVERHEAD_BYTES = 96 * MiB

/** KV cache in f16: keys and values, per layer, per token of context. */
export function kvCacheBytes(facts: GgufFacts, contextTokens: number): number {
  const kvDim = (facts.embeddingLength * facts.headCountKv) / facts.headCount
  return 2 * facts.blockCount * contextTokens * kvDim * 2
}

/** Weights (the file is mapped whole) + KV cache + overhead, against what the OS has free now. */
export function memoryFit(needBytes: number, probe: MemoryProbe = systemMemory): MemoryFit {
  const available = probe.availableBytes()
  return { needMiB: Math.ceil(needBytes / MiB), availableMiB: Math.floor(available / MiB), fits: needBytes <= available }
}

export function needBytes(fileBytes: number, facts: GgufFacts, contextTokens: number): number {
  return fileBytes + kvCacheBytes(facts, contextTokens) + OVERHEAD_BYTES
}
