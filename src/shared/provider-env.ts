import type { ProviderId } from './catalog-types'

/** The environment variables the CLI and web host read API keys from. */
export const keyEnvVars: Record<ProviderId, string> = {
  groq: 'GROQ_API_KEY',
  together: 'TOGETHER_API_KEY',
  openai: 'OPENAI_API_KEY',
  gemini: 'GEMINI_API_KEY',
  custom: 'MP4TOTEXT_CUSTOM_API_KEY',
  // the built-in engine takes no key; the name exists only so every provider has one
  builtin: 'MP4TOTEXT_BUILTIN_API_KEY',
}
