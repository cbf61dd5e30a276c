import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../src/cli/main'
import { chunkBudget, splitIntoChunks } from '../../src/core/enhance/chunking'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
let server: FakeLlmServer
/** stands in for Ollama / LM Studio: no key, its own model names */
let local: FakeLlmServer
beforeAll(async () => {
  server = await startFakeLlmServer({ apiKey: TEST_KEY })
  local = await startFakeLlmServer({ models: ['llama3.2', 'qwen2.5:7b'] })
})
afterAll(async () => {
  await server.close()
  await local.close()
})

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/mp4totext.mjs'), ...args], {
      env: { ...process.env, ...envFor(server), MP4TOTEXT_CUSTOM_BASE_URL: '', ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c))
    child.stderr.on('data', (c: Buffer) => (stderr += c))
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end()
  })
}

async function inProcess(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) })
  return { code, stdout, stderr }
}

const ledger = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')).credits.ledger as unknown[]

describe('the CLI has the app’s limits (through the contract)', () => {
  it('credits add above the contract’s bound is refused with usage (exit 2), nothing added', async () => {
    const dir = tempDir()
    const r = await inProcess('credits', 'add', '2000000', '--data-dir', dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: N must be at most 1000000/)
    const long = await inProcess('credits', 'add', '5', '--reason', 'x'.repeat(201), '--data-dir', dir)
    expect(long.code).toBe(2)
    expect(long.stderr).toMatch(/^error: --reason must be at most 200 characters/)
    expect(JSON.parse((await inProcess('credits', '--json', '--data-dir', dir)).stdout)).toMatchObject({
      balance: 1000,
      ledgerEntries: 1,
    })
  })

  it('enhance refuses a transcript above 5 M characters before anything is charged', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'big.txt')
    writeFileSync(file, 'Long text here. '.repeat(312_500) + 'x') // 5,000,001 characters
    const before = server.requests.length
    const r = await cli(['enhance', file, '--model', 'groq/llama-3.1-8b-instant', '--data-dir', dir])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^error: .*big\.txt.* 5,000,001 characters; the limit is 5,000,000/)
    expect(server.requests.length).toBe(before)
    expect(ledger(dir)).toHaveLength(1)
  })
})

describe('enhance refuses what is not a transcript before anything is charged', () => {
  const cases: [string, Buffer | string, RegExp][] = [
    [
      'talk.mp4',
      Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42\0\0\0\0mp42isom'), Buffer.alloc(256, 7)]),
      /talk\.mp4 is a binary file.*transcribe/,
    ],
    ['latin.txt', Buffer.from([0x47, 0xfc, 0x6e, 0x61, 0x79, 0x64, 0x31, 0x6e, 0x2e]), /latin\.txt is not UTF-8 text/],
    ['empty.txt', '', /empty\.txt holds no text/],
    ['blank.txt', ' \n\t\n ', /blank\.txt holds no text/],
    ['empty.json', '{"segments": []}', /empty\.json holds no text/],
    ['invisible.txt', '\u200b\u200b\u2060', /invisible\.txt holds no text/],
  ]
  for (const [name, content, message] of cases) {
    it(name, async () => {
      const dir = tempDir()
      const file = path.join(dir, name)
      writeFileSync(file, content)
      const before = server.requests.length
      const r = await cli(['enhance', file, '--model', 'groq/llama-3.1-8b-instant', '--data-dir', dir])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(r.stdout).toBe('')
      expect(server.requests.length).toBe(before)
      // no db.json at all, or one with only the welcome grant
      let entries = 1
      try {
        entries = ledger(dir).length
      } catch {
        // the CLI did not even open the data folder
      }
      expect(entries).toBe(1)
    })
  }
})

describe('enhance reads text as editors save it', () => {
  it('UTF-16 with a byte-order mark (Windows Notepad’s "Unicode") is text, not a binary file', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'notepad.txt')
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('merhaba dünya.', 'utf16le')]))
    const r = await cli(['enhance', file, '--model', 'groq/llama-3.1-8b-instant', '--data-dir', dir])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('MERHABA DÜNYA.\n')
  })
})

describe('a local server (Ollama, LM Studio) works from the command line alone', () => {
  it('reads the server’s model list itself when the custom/ model is not known yet', async () => {
    const dir = tempDir()
    const file = path.join(dir, 't.txt')
    writeFileSync(file, 'offline and local.')
    const r = await cli(['enhance', file, '--model', 'custom/llama3.2', '--base-url', `${local.url}/v1`, '--data-dir', dir])
    expect(r.stderr).not.toMatch(/Settings/)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('OFFLINE AND LOCAL.\n')
    expect(local.requests.some((q) => q.path === '/v1/models')).toBe(true)
    expect(ledger(dir)).toHaveLength(1) // a local model costs nothing
  })

  it('a model the server does not have, and a server that is not running, are explained', async () => {
    const dir = tempDir()
    const file = path.join(dir, 't.txt')
    writeFileSync(file, 'hello.')
    const missing = await cli(['enhance', file, '--model', 'custom/mistral', '--base-url', `${local.url}/v1`, '--data-dir', dir])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/custom\/mistral.*not offered by the local server.*llama3\.2, qwen2\.5:7b/)
    const down = await cli([
      'enhance',
      file,
      '--model',
      'custom/llama3.2',
      '--base-url',
      'http://127.0.0.1:9/v1',
      '--data-dir',
      dir,
    ])
    expect(down.code).toBe(1)
    expect(down.stderr).toMatch(/http:\/\/127\.0\.0\.1:9\/v1/)
    expect(down.stderr).not.toMatch(/Settings/)
  })
})

describe('enhance through the contract’s events', () => {
  it('into a pipe: every part whole, in order, a cut-off part only once; charged once', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'long.txt')
    const text = Array.from({ length: 2500 }, (_, i) => `Sentence ${i} was spoken here.`).join(' ')
    writeFileSync(file, text)
    const chunks = splitIntoChunks(text, chunkBudget(131_072, 'cleanup'))
    expect(chunks.length).toBeGreaterThan(2)
    server.fail({ model: 'openai/gpt-oss-20b', cutAfterChunks: 2 })
    const r = await cli(['enhance', file, '--model', 'together/openai/gpt-oss-20b', '--data-dir', dir])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(`${chunks.map((c) => c.toUpperCase()).join('\n\n')}\n`)
    expect(r.stderr).toContain(`[${chunks.length}/${chunks.length} parts]`)
    expect(ledger(dir)).toHaveLength(2) // the grant and one charge
  })
})
