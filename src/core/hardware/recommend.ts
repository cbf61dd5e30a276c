import type { BenchResult, EngineBackend } from '../../shared/calls/hardware-calls'
import { whisperCatalog } from '../models/whisper-catalog'

/**
 * Work may take at most this share of the audio's length for a model to be recommended: a
 * 30-minute file then takes at most 15 minutes, with room for the rest of the pipeline.
 */
export const RECOMMEND_MAX_RTF = 0.5

/**
 * The most accurate model whose measured real-time factor on the backend in use is fast enough;
 * when none is, the fastest measured. Measured speed decides, never the memory alone: on a
 * machine whose CPU needs 2× the audio's length for large-v3-turbo, it is not recommended.
 */
export function recommendFromBench(bench: BenchResult[], backend: EngineBackend): string | null {
  const rows = bench.filter((b) => b.backend === backend)
  if (rows.length === 0) return null
  const rank = (model: string) => {
    const i = whisperCatalog.findIndex((m) => m.name === model)
    const m = whisperCatalog[i]
    // accuracy first, then the bigger model; a model outside the catalog counts as "good"
    const acc = { basic: 0, good: 1, better: 2, best: 3 }[m?.accuracy ?? 'good']
    return acc * 100_000 + (m?.sizeMiB ?? 0)
  }
  const fast = rows.filter((r) => r.rtf <= RECOMMEND_MAX_RTF)
  if (fast.length === 0) return [...rows].sort((a, b) => a.rtf - b.rtf)[0]!.model
  return [...fast].sort((a, b) => rank(b.model) - rank(a.model) || a.rtf - b.rtf)[0]!.model
}
