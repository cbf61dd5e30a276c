import type { LanguageSet } from '../../shared/calls/local-llm-calls'

/**
 * Small instruction models the built-in engine offers to download: chosen for Turkish and
 * English quality at a size a laptop runs on CPU. All are Q4_K_M GGUF files from Hugging Face.
 *
 * Sizes and RAM are approximate (RAM: the file plus a 4K-token context). No SHA-256 is pinned:
 * none could be fetched and verified from this build machine (it has no network), so a download
 * is checked for completeness (Content-Length) and for a readable GGUF header instead — not for
 * integrity. Pin `sha256` here once verified against the model host.
 */
export interface GgufCatalogEntry {
  name: string
  displayName: string
  file: string
  url: string
  sizeMiB: number
  ramMiB: number
  sha256: string | null
  license: string
  licenseUrl: string
  /** false: the license forbids commercial use */
  commercialUse: boolean
  /** English, for the CLI */
  languages: string
  /** the same, for the UI to word in its own language */
  languageSet?: LanguageSet
}

export const ggufCatalog: GgufCatalogEntry[] = [
  {
    name: 'qwen2.5-1.5b-instruct',
    displayName: 'Qwen2.5 1.5B Instruct (Q4_K_M)',
    file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    url: 'https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf',
    sizeMiB: 1066,
    ramMiB: 1300,
    sha256: null,
    license: 'Apache-2.0',
    licenseUrl: 'https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct/blob/main/LICENSE',
    commercialUse: true,
    languages: 'Turkish, English and 27 more',
    languageSet: { codes: ['tr', 'en'], more: 27, turkishUsable: false },
  },
  {
    name: 'gemma-2-2b-it',
    displayName: 'Gemma 2 2B Instruct (Q4_K_M)',
    file: 'gemma-2-2b-it-Q4_K_M.gguf',
    url: 'https://huggingface.co/bartowski/gemma-2-2b-it-GGUF/resolve/main/gemma-2-2b-it-Q4_K_M.gguf',
    sizeMiB: 1630,
    ramMiB: 2200,
    sha256: null,
    license: 'Gemma Terms of Use',
    licenseUrl: 'https://ai.google.dev/gemma/terms',
    commercialUse: true,
    languages: 'English (Turkish usable)',
    languageSet: { codes: ['en'], more: 0, turkishUsable: true },
  },
  {
    name: 'llama-3.2-3b-instruct',
    displayName: 'Llama 3.2 3B Instruct (Q4_K_M)',
    file: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf',
    url: 'https://huggingface.co/bartowski/Llama-3.2-3B-Instruct-GGUF/resolve/main/Llama-3.2-3B-Instruct-Q4_K_M.gguf',
    sizeMiB: 1926,
    ramMiB: 2500,
    sha256: null,
    license: 'Llama 3.2 Community License',
    licenseUrl: 'https://www.llama.com/llama3_2/license/',
    commercialUse: true,
    languages: 'English and 7 more (Turkish usable)',
    languageSet: { codes: ['en'], more: 7, turkishUsable: true },
  },
  {
    name: 'qwen2.5-3b-instruct',
    displayName: 'Qwen2.5 3B Instruct (Q4_K_M)',
    file: 'qwen2.5-3b-instruct-q4_k_m.gguf',
    url: 'https://huggingface.co/Qwen/Qwen2.5-3B-Instruct-GGUF/resolve/main/qwen2.5-3b-instruct-q4_k_m.gguf',
    sizeMiB: 1990,
    ramMiB: 2200,
    sha256: null,
    // unlike the 1.5B model, the 3B model is under Qwen's research license
    license: 'Qwen Research License (non-commercial)',
    licenseUrl: 'https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE',
    commercialUse: false,
    languages: 'Turkish, English and 27 more',
    languageSet: { codes: ['tr', 'en'], more: 27, turkishUsable: false },
  },
]
