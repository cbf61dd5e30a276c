import { afterAll, beforeAll } from 'vitest'
import { startFakeLlmServer, type FakeLlmOptions, type FakeLlmServer } from './fake-llm-server'

/**
 * One fake server for a test file: started before its tests, closed after them. The getter is
 * read inside the tests (the server exists only once `beforeAll` ran).
 */
export function useFakeLlmServer(opts: FakeLlmOptions = {}): () => FakeLlmServer {
  let server: FakeLlmServer | null = null
  beforeAll(async () => {
    server = await startFakeLlmServer(opts)
  })
  afterAll(() => server?.close())
  return () => {
    if (!server) throw new Error('the fake LLM server is read before beforeAll started it')
    return server
  }
}
