import { modelKey, type ModelRecord, type ModelView } from '../../shared/catalog-types'
import type { SpeedSample } from '../../shared/enhance-types'
import { transcriptionCredits } from '../transcribe/cloud/transcription-cost'
import { creditsFor, formatMultiplier } from './credits-math'
import { providers } from '../../shared/providers'

export interface ViewExtras {
  unavailable?: { at: string; message: string } | null
  samples?: SpeedSample[]
}

/**
 * Median of this machine's own runs, with the date of the newest. Runs whose tokens were
 * counted (the provider reported usage) make the figure; only when there are none does it come
 * from runs whose tokens were estimated from characters, and then it says so.
 */
export function measuredSpeed(all: SpeedSample[] | undefined): ModelView['measured'] {
  if (!all?.length) return null
  const counted = all.filter((x) => !x.estimated)
  const samples = counted.length ? counted : all
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b)
    const mid = Math.floor(s.length / 2)
    return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  }
  return {
    tokensPerSec: Math.round(median(samples.map((x) => x.tokensPerSec))),
    ttftMs: Math.round(median(samples.map((x) => x.ttftMs))),
    at: samples.at(-1)!.at,
    samples: samples.length,
    estimated: counted.length === 0,
  }
}

export function toModelView(m: ModelRecord, baseCredits: number, extras: ViewExtras = {}): ModelView {
  const facts = providers[m.provider]
  // a transcription row's credits are per started minute of audio, not per enhancement
  const credits =
    m.kind === 'transcription' ? transcriptionCredits(60, m.multiplierTenths) : creditsFor(m.multiplierTenths, baseCredits)
  return {
    ...m,
    key: modelKey(m),
    credits,
    multiplier: formatMultiplier(m.multiplierTenths),
    free: credits === 0,
    freeTierRpm: facts.freeTierRpm,
    local: false,
    unavailable: extras.unavailable ?? null,
    measured: measuredSpeed(extras.samples),
  }
}

/**
 * A free model on the user's own hardware: a local OpenAI-compatible server ('custom') or the
 * built-in engine ('builtin'). One shape for both, so the pickers treat them alike.
 */
export function freeLocalView(
  provider: 'custom' | 'builtin',
  modelId: string,
  o: { displayName?: string; contextTokens: number; source: string; samples?: SpeedSample[] },
): ModelView {
  return {
    provider,
    modelId,
    displayName: o.displayName ?? modelId,
    inputUsdPer1M: 0,
    outputUsdPer1M: 0,
    contextTokens: o.contextTokens,
    multiplierTenths: 0,
    active: true,
    kind: 'chat',
    reasoning: false,
    flagship: false,
    api: 'chat',
    source: o.source,
    key: `${provider}/${modelId}`,
    credits: 0,
    multiplier: '0',
    free: true,
    freeTierRpm: null,
    local: true,
    unavailable: null,
    measured: measuredSpeed(o.samples),
  }
}

/** A model served by the user's own OpenAI-compatible server: free, unknown context (assume 8K). */
export function localModelView(modelId: string, samples?: SpeedSample[]): ModelView {
  return freeLocalView('custom', modelId, { contextTokens: 8192, source: 'local server /models', samples })
}

/** Enhancement-usable models: active and a chat model. */
export function isUsable(m: ModelRecord): boolean {
  return m.active && m.kind === 'chat'
}

export function byCreditsThenName(a: ModelView, b: ModelView): number {
  return a.credits - b.credits || a.displayName.localeCompare(b.displayName)
}
