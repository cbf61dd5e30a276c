import { CloudProviderId, modelKey, ModelRecord } from '../../shared/catalog-types'
import type { TranscriptionProviderId } from '../../shared/providers'
import { bundledCatalogCsv, BUNDLED_CATALOG_VERSION } from './bundled-catalog-csv'
import { parseMultiplierTenths } from './credits-math'
import { flagshipModels, isReasoningModel, publishedSpeeds } from './provider-facts'

export { BUNDLED_CATALOG_VERSION }

/** Minimal CSV reader for the bundled file: no quoted commas occur in it, and a test pins that. */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '')
  const header = lines[0]?.split(',') ?? []
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',')
    if (cells.length < header.length) throw new Error(`catalog line ${i + 2}: ${cells.length} cells`)
    // the last column (source) may itself contain commas
    const row: Record<string, string> = {}
    header.forEach((h, j) => {
      row[h] = j === header.length - 1 ? cells.slice(j).join(',') : (cells[j] ?? '')
    })
    return row
  })
}

function withTraits(base: Omit<ModelRecord, 'reasoning' | 'flagship' | 'publishedSpeed'>): ModelRecord {
  const key = modelKey(base)
  const published = publishedSpeeds[key]
  return ModelRecord.parse({
    ...base,
    reasoning: isReasoningModel(base.modelId),
    flagship: flagshipModels.has(key),
    ...(published ? { publishedSpeed: published } : {}),
  })
}

export function bundledCatalog(): ModelRecord[] {
  const rows = parseCsv(bundledCatalogCsv).map((r) =>
    withTraits({
      provider: CloudProviderId.parse(r.provider),
      modelId: r.model_id!,
      displayName: r.display_name!,
      inputUsdPer1M: Number(r.input_usd_per_1m),
      outputUsdPer1M: Number(r.output_usd_per_1m),
      contextTokens: Number(r.context_tokens),
      multiplierTenths: parseMultiplierTenths(r.multiplier!),
      active: true,
      kind: 'chat',
      api: /Responses API only/.test(r.source ?? '') ? 'responses' : 'chat',
      source: r.source ?? '',
    }),
  )
  // Speech-to-text models: rows of their own kind, never offered for enhancement. Their
  // multiplier is credits per started minute of audio (transcription-cost.ts); 1.0x is Groq's
  // whisper-large-v3-turbo at $0.04/hour, the others scaled by their list price per hour.
  for (const t of transcriptionRows)
    rows.push(
      withTraits({
        ...t,
        inputUsdPer1M: 0,
        outputUsdPer1M: 0,
        contextTokens: 448,
        active: true,
        kind: 'transcription',
        api: 'chat',
      }),
    )
  return rows
}

const transcriptionRows: {
  provider: TranscriptionProviderId
  modelId: string
  displayName: string
  multiplierTenths: number
  source: string
}[] = [
  {
    provider: 'groq',
    modelId: 'whisper-large-v3-turbo',
    displayName: 'Whisper Large v3 Turbo',
    multiplierTenths: 10,
    source: 'audio transcription: $0.04/hour (1.0x = 1 credit per started minute)',
  },
  {
    provider: 'groq',
    modelId: 'whisper-large-v3',
    displayName: 'Whisper Large v3',
    multiplierTenths: 28,
    source: 'audio transcription: $0.111/hour = 2.8x the turbo row',
  },
  {
    provider: 'openai',
    modelId: 'whisper-1',
    displayName: 'Whisper (OpenAI)',
    multiplierTenths: 90,
    source: 'audio transcription: $0.006/minute = $0.36/hour = 9x the turbo row',
  },
]
