import { z } from 'zod'
import { ModelDownloadEvent } from '../model-download'

/** Where a fit check comes from: the model's size plus its context against this machine's memory. */
export const MemoryFit = z.object({
  needMiB: z.number().int().nonnegative(),
  availableMiB: z.number().int().nonnegative(),
  fits: z.boolean(),
})
export type MemoryFit = z.infer<typeof MemoryFit>

/** A model's languages as codes, for the UI to name in its own language. */
export const LanguageSet = z.object({
  codes: z.array(z.string()),
  /** how many more languages it knows beyond `codes` */
  more: z.number().int().nonnegative(),
  /** trained mainly on the others, Turkish usable */
  turkishUsable: z.boolean(),
})
export type LanguageSet = z.infer<typeof LanguageSet>

/** One built-in (GGUF) model: a catalog entry to download, or an installed/imported file. */
export const LocalLlmModel = z.object({
  /** the id used in `builtin/<name>` (CLI: `local/<name>`) */
  name: z.string(),
  displayName: z.string(),
  sizeMiB: z.number().int().nonnegative(),
  license: z.string(),
  licenseUrl: z.string().nullable(),
  /** false where the license forbids commercial use */
  commercialUse: z.boolean().nullable(),
  /** English, for the CLI */
  languages: z.string(),
  languageSet: LanguageSet.optional(),
  installed: z.boolean(),
  downloadable: z.boolean(),
  /** a pinned SHA-256 to verify a download against; null: none is published/verified */
  sha256: z.string().nullable(),
  fit: MemoryFit,
})
export type LocalLlmModel = z.infer<typeof LocalLlmModel>

export const LocalLlmStatus = z.object({
  /** 'cuda' | 'vulkan' | 'metal' when a GPU is used; false on CPU */
  gpu: z.union([z.literal(false), z.string()]),
  backend: z.string(),
  threads: z.number().int(),
  loadedModel: z.string().nullable(),
})
export type LocalLlmStatus = z.infer<typeof LocalLlmStatus>

/**
 * Contract calls and events of one feature, spread into `calls` and `events` in ../contract.ts
 * (one file per feature, so the features' contracts grow apart).
 */
export const localLlmCalls = {
  'localLlm.list': { input: z.object({}), output: z.array(LocalLlmModel) },
  'localLlm.import': { input: z.object({ path: z.string().min(1) }), output: z.array(LocalLlmModel) },
  'localLlm.download': { input: z.object({ name: z.string() }), output: z.object({ started: z.boolean() }) },
  'localLlm.cancelDownload': { input: z.object({ name: z.string() }), output: z.object({ cancelled: z.boolean() }) },
  'localLlm.delete': { input: z.object({ name: z.string() }), output: z.array(LocalLlmModel) },
  'localLlm.status': { input: z.object({}), output: LocalLlmStatus },
} as const

export const localLlmEvents = {
  'localLlm.download': ModelDownloadEvent,
} as const
