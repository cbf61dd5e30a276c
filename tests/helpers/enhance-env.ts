import type { FakeLlmServer } from './fake-llm-server'

export const TEST_KEY = 'sk-test-key-0123456789'

/** Environment that points every provider's real SDK at the local test server. */
export function envFor(server: FakeLlmServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    GROQ_API_KEY: TEST_KEY,
    TOGETHER_API_KEY: TEST_KEY,
    OPENAI_API_KEY: TEST_KEY,
    GEMINI_API_KEY: TEST_KEY,
    MP4TOTEXT_GROQ_BASE_URL: server.url,
    MP4TOTEXT_TOGETHER_BASE_URL: `${server.url}/v1`,
    MP4TOTEXT_OPENAI_BASE_URL: `${server.url}/v1`,
    MP4TOTEXT_GEMINI_BASE_URL: `${server.url}/v1beta/openai/`,
    MP4TOTEXT_CUSTOM_BASE_URL: `${server.url}/v1`,
    ...extra,
  }
}
