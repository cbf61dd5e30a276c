// A self-hosted transcription server that is busy says so (429, 503, often with Retry-After).
// With one server, giving up on it at once sent the whole job to this computer and threw away
// every piece the server had already done. A busy answer is waited out (briefly, as it asks);
// an error answer (500) still moves on at once.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { wavFile } from '../../src/core/media/decode'
import { NoServerLeftError, ServerPool } from '../../src/core/transcribe/servers/server-pool'
import { startFakeSttServer, type FakeSttServer } from '../helpers/fake-stt-server'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const servers: FakeSttServer[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

async function oneServer() {
  const server = await startFakeSttServer()
  servers.push(server)
  const pool = new ServerPool([{ url: server.url, concurrency: 1 }], [null])
  const file = path.join(tempDir(), 'parça 1.wav')
  writeFileSync(file, wavFile(Buffer.alloc(16_000 * 2 * 2)))
  const req = { filePath: file, fileName: 'parça 1.wav', mime: 'audio/wav', modelId: 'whisper-1', words: false }
  return { server, pool, req }
}

describe('a busy transcription server', () => {
  it.each([429, 503])('answering %i is asked again after what Retry-After says, and does the piece', async (status) => {
    const { server, pool, req } = await oneServer()
    server.fail({ status, headers: { 'retry-after': '0' }, body: { error: { message: 'busy' } } })
    const answer = await pool.client().transcribe({ ...req, signal: new AbortController().signal })
    expect(answer.segments.length).toBeGreaterThan(0)
    expect(server.requests.map((r) => r.status)).toEqual([status, 200])
  })

  it('that stays busy is left after a few tries, and the job says what it answered', async () => {
    const { server, pool, req } = await oneServer()
    for (let i = 0; i < 10; i++) server.fail({ status: 503, headers: { 'retry-after': '0' } })
    const err = await pool
      .client()
      .transcribe({ ...req, signal: new AbortController().signal })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NoServerLeftError)
    expect((err as NoServerLeftError).problems).toEqual([{ url: server.url, status: 503 }])
    expect(server.requests.length).toBe(3)
  })

  it('a 500 is an error, not busy: the next server (here: none, so this computer) at once', async () => {
    const { server, pool, req } = await oneServer()
    server.fail({ status: 500, body: { error: { message: 'model crashed' } } })
    const err = await pool
      .client()
      .transcribe({ ...req, signal: new AbortController().signal })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NoServerLeftError)
    expect(server.requests.map((r) => r.status)).toEqual([500])
  })
})
