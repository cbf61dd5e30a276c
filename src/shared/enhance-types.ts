import { z } from 'zod'

/** The longest text one enhancement takes (and so the largest input of the contract). */
export const MAX_TRANSCRIPT_CHARS = 5_000_000
import { ProviderId } from './catalog-types'

export const Preset = z.enum(['cleanup', 'summary', 'keyPoints', 'minutes', 'translate', 'custom'])
export type Preset = z.infer<typeof Preset>

export const Usage = z.object({ inputTokens: z.number().int().nonnegative(), outputTokens: z.number().int().nonnegative() })
export type Usage = z.infer<typeof Usage>

export const EnhanceRequest = z.object({
  text: z.string().min(1, 'the transcript is empty').max(MAX_TRANSCRIPT_CHARS),
  provider: ProviderId,
  modelId: z.string().min(1),
  preset: Preset,
  /** the transcript's language, when known (e.g. "tr") */
  lang: z.string().max(20).optional(),
  /** for the translate preset */
  targetLang: z.string().max(40).optional(),
  /** for the custom preset */
  prompt: z.string().max(20_000).optional(),
  /** groups the runs of one side-by-side comparison */
  compareId: z.string().optional(),
  /** the transcript the text came from: the result is kept among that transcript's versions */
  transcriptId: z.string().max(100).optional(),
})
export type EnhanceRequest = z.infer<typeof EnhanceRequest>

export const EnhanceStats = z.object({
  ttftMs: z.number().nullable(),
  durationMs: z.number(),
  tokensPerSec: z.number().nullable(),
  /** the provider reported no output tokens: they were counted from characters, so the speed is an estimate */
  tokensPerSecEstimated: z.boolean().optional(),
  chunks: z.number().int(),
  usage: Usage,
  estimatedUsd: z.number(),
})
export type EnhanceStats = z.infer<typeof EnhanceStats>

/** The failures an enhancement waits out and tries again (the rest end the run). */
export const RetryReason = z.enum(['rate-limited', 'overloaded', 'server', 'network', 'stream-cut'])
export type RetryReason = z.infer<typeof RetryReason>

export const EnhancementRecord = z.object({
  id: z.string(),
  at: z.string(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  provider: ProviderId,
  modelId: z.string(),
  displayName: z.string(),
  preset: Preset,
  credits: z.number().int(),
  inputChars: z.number().int(),
  preview: z.string(),
  stats: EnhanceStats.nullable(),
  error: z.string().nullable(),
  compareId: z.string().nullable(),
  /** the transcript it enhanced (absent or null: text pasted on the Enhance page) */
  transcriptId: z.string().nullable().optional(),
})
export type EnhancementRecord = z.infer<typeof EnhancementRecord>

export const EnhanceResult = z.object({
  id: z.string(),
  text: z.string(),
  provider: ProviderId,
  modelId: z.string(),
  preset: Preset,
  credits: z.number().int(),
  stats: EnhanceStats,
})
export type EnhanceResult = z.infer<typeof EnhanceResult>

export const SavedPrompt = z.object({
  id: z.string(),
  name: z.string().trim().min(1).max(80),
  prompt: z.string().trim().min(1).max(20_000),
})
export type SavedPrompt = z.infer<typeof SavedPrompt>

export const SpeedSample = z.object({
  at: z.string(),
  ttftMs: z.number(),
  tokensPerSec: z.number(),
  /** tokens counted from characters: the provider reported no usage */
  estimated: z.boolean().optional(),
})
export type SpeedSample = z.infer<typeof SpeedSample>

export const ProviderStatus = z.object({
  provider: ProviderId,
  keySet: z.boolean(),
  keySource: z.enum(['env', 'keychain', 'file', 'none']),
  /** false where keys come only from environment variables (the CLI) */
  keysEditable: z.boolean(),
  /** where a typed key is kept: the OS keychain (Electron), a 0600 file in the data folder (web host) */
  keyStorage: z.enum(['keychain', 'file', 'env']),
  baseUrl: z.string().nullable(),
  /** the environment variable that sets the base URL, when it does (Settings' field is then not used) */
  baseUrlEnv: z.string().nullable(),
})
export type ProviderStatus = z.infer<typeof ProviderStatus>
