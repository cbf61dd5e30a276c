import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStreamWriter } from '../../src/cli/enhance-commands'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { useFakeLlmServer } from '../helpers/use-fake-llm-server'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const llm = useFakeLlmServer({ apiKey: TEST_KEY })

function cli(
  args: string[],
  env: Record<string, string> = {},
  stdin?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/mp4totext.mjs'), ...args], {
      env: { ...process.env, ...envFor(llm()), ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c))
    child.stderr.on('data', (c: Buffer) => (stderr += c))
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(stdin ?? '')
  })
}

describe('mp4totext enhance', () => {
  it('writes the improved text to stdout and charges the model once', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'talk.txt')
    writeFileSync(file, 'merhaba. bugün toplantı var.')
    const r = await cli([
      'enhance',
      file,
      '--model',
      'groq/llama-3.1-8b-instant',
      '--preset',
      'cleanup',
      '--lang',
      'tr',
      '--data-dir',
      dir,
    ])
    expect(r.stderr).toContain('4 credits')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('MERHABA. BUGÜN TOPLANTI VAR.\n')
    const bal = await cli(['credits', '--json', '--data-dir', dir])
    expect(JSON.parse(bal.stdout).balance).toBe(996)
  })

  it('a rate limit is said to be one, with its wait and attempt, and the run still finishes, charged once', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'talk.txt')
    writeFileSync(file, 'merhaba. bugün toplantı var.')
    llm().fail({ model: 'llama-3.1-8b-instant', status: 429, headers: { 'retry-after': '1' } })
    const r = await cli(['enhance', file, '--model', 'groq/llama-3.1-8b-instant', '--data-dir', dir])
    expect(r.stderr).toContain("[the provider's rate limit was reached: trying again in 1 s (attempt 2 of 4)]")
    expect(r.stderr).not.toContain('connection lost')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('MERHABA. BUGÜN TOPLANTI VAR.\n')
  })

  it('--json gives the documented fields; reads transcript JSON and standard input', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'transcript.json')
    writeFileSync(
      file,
      JSON.stringify({
        segments: [
          { start: 0, end: 1, text: ' first line.' },
          { start: 1, end: 2, text: 'second line.' },
        ],
      }),
    )
    const r = await cli(['enhance', file, '--model', 'together/openai/gpt-oss-20b', '--json', '--data-dir', dir])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(Object.keys(j).sort()).toEqual(['credits', 'durationMs', 'modelId', 'preset', 'provider', 'text', 'ttftMs', 'usage'])
    expect(j).toMatchObject({
      text: 'FIRST LINE.\nSECOND LINE.',
      provider: 'together',
      modelId: 'openai/gpt-oss-20b',
      preset: 'cleanup',
      credits: 8,
    })
    const piped = await cli(['enhance', '-', '--model', 'groq/llama-3.1-8b-instant', '--data-dir', dir], {}, 'from stdin.')
    expect(piped.stdout).toBe('FROM STDIN.\n')
  })

  it('fails with a clear message and exit 1, refunding: wrong key, no key, unknown model', async () => {
    const dir = tempDir()
    const file = path.join(dir, 't.txt')
    writeFileSync(file, 'x.')
    const bad = await cli(['enhance', file, '--model', 'groq/llama-3.1-8b-instant', '--data-dir', dir], {
      GROQ_API_KEY: 'sk-nope-nope-nope',
    })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^error: Groq rejected the API key.*Check GROQ_API_KEY\./)
    expect(bad.stderr).not.toMatch(/Settings/)
    expect(bad.stderr).not.toContain('sk-nope-nope-nope')
    expect(bad.stdout).toBe('')
    const nokey = await cli(['enhance', file, '--model', 'openai/gpt-4o', '--data-dir', dir], { OPENAI_API_KEY: '' })
    expect(nokey.stderr).toContain('OPENAI_API_KEY')
    const unknown = await cli(['enhance', file, '--model', 'groq/nope', '--data-dir', dir])
    expect(unknown.stderr).toMatch(/Unknown model groq\/nope/)
    expect(JSON.parse((await cli(['credits', '--json', '--data-dir', dir])).stdout).balance).toBe(1000)
    const usage = await cli(['enhance', file, '--data-dir', dir])
    expect(usage.code).toBe(2)
  })

  it('--base-url points the provider at another server', async () => {
    const dir = tempDir()
    const file = path.join(dir, 't.txt')
    writeFileSync(file, 'via base url.')
    const r = await cli(
      ['enhance', file, '--model', 'together/openai/gpt-oss-20b', '--base-url', `${llm().url}/v1`, '--data-dir', dir],
      {
        MP4TOTEXT_TOGETHER_BASE_URL: 'http://127.0.0.1:9/v1',
      },
    )
    expect(r.stdout).toBe('VIA BASE URL.\n')
  })
})

describe('mp4totext compare', () => {
  it('runs 2 models side by side with their stats, each charged', async () => {
    const dir = tempDir()
    const file = path.join(dir, 't.txt')
    writeFileSync(file, 'same input.')
    const r = await cli([
      'compare',
      file,
      '--models',
      'groq/openai/gpt-oss-120b,together/openai/gpt-oss-120b',
      '--json',
      '--data-dir',
      dir,
    ])
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout)
    expect(rows.map((x: { model: string; credits: number; text: string }) => [x.model, x.credits, x.text])).toEqual([
      ['groq/openai/gpt-oss-120b', 24, 'SAME INPUT.'],
      ['together/openai/gpt-oss-120b', 24, 'SAME INPUT.'],
    ])
    expect(JSON.parse((await cli(['credits', '--json', '--data-dir', dir])).stdout).balance).toBe(952)
  })
})

describe('stream writer', () => {
  const collect = (live: boolean, reducing = false) => {
    let out = ''
    let err = ''
    const w = createStreamWriter(
      (s) => (out += s),
      (s) => (err += s),
      live,
      reducing,
    )
    return { w, out: () => out, err: () => err }
  }

  it('piped: parts come out whole and in order, a retried part only once', () => {
    const c = collect(false)
    c.w.onProgress!({ chunksDone: 0, chunksTotal: 2, phase: 'map' })
    c.w.onDelta!({ chunk: 1, phase: 'map', text: 'B1', reset: false })
    c.w.onDelta!({ chunk: 0, phase: 'map', text: 'A-half', reset: false })
    c.w.onDelta!({ chunk: 0, phase: 'map', text: '', reset: true })
    c.w.onChunkDone!(1, 'B1 B2')
    expect(c.out()).toBe('')
    c.w.onChunkDone!(0, 'A1 A2')
    c.w.finish({} as never)
    expect(c.out()).toBe('A1 A2\n\nB1 B2\n')
  })

  it('live: tokens of the first unfinished part appear at once; a retry is announced', () => {
    const c = collect(true)
    c.w.onProgress!({ chunksDone: 0, chunksTotal: 2, phase: 'map' })
    c.w.onDelta!({ chunk: 0, phase: 'map', text: 'A1 ', reset: false })
    expect(c.out()).toBe('A1 ')
    c.w.onDelta!({ chunk: 1, phase: 'map', text: 'B1', reset: false })
    expect(c.out()).toBe('A1 ')
    c.w.onChunkDone!(0, 'A1 A2')
    expect(c.out()).toBe('A1 A2\n\nB1')
    c.w.onDelta!({ chunk: 1, phase: 'map', text: '', reset: true })
    c.w.onRetry!({ chunk: 1, phase: 'map', reason: 'stream-cut', attempt: 1, maxAttempts: 4, delayMs: 1200 })
    expect(c.err()).toContain('[the answer was cut off: trying again in 2 s (attempt 2 of 4)]')
  })

  it('a multi-part summary prints only the final merge', () => {
    const c = collect(false, true)
    c.w.onProgress!({ chunksDone: 0, chunksTotal: 2, phase: 'map' })
    c.w.onDelta!({ chunk: 0, phase: 'map', text: 'part summary', reset: false })
    c.w.onChunkDone!(0, 'part summary')
    c.w.onChunkDone!(1, 'other')
    c.w.finish({ text: 'FINAL' } as never)
    expect(c.out()).toBe('FINAL\n')
  })
})

describe('mp4totext transcribe / models', () => {
  it('writes one output per input, reports failures per file, never overwrites without --force', async () => {
    const { installMiniModel } = await import('../helpers/transcribe-env')
    const { makeMedia } = await import('../helpers/media')
    const { existsSync, readFileSync } = await import('node:fs')
    const dir = tempDir()
    const model = await installMiniModel(dir)
    const good = makeMedia(dir, 'ders notu.mp3', { seconds: 3, noise: true })
    const r = await cli([
      'transcribe',
      good,
      path.join(dir, 'missing.wav'),
      '--model',
      model,
      '--format',
      'vtt',
      '--out',
      path.join(dir, 'out'),
      '--data-dir',
      dir,
    ])
    expect(r.code).toBe(1)
    expect(r.stdout, r.stderr).toContain('✓ ders notu.mp3 →')
    expect(r.stderr).toMatch(/✗ missing\.wav: File not found/)
    const vtt = readFileSync(path.join(dir, 'out', 'ders notu.vtt'), 'utf8')
    expect(vtt).toMatch(/^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n/)
    expect(existsSync(path.join(dir, 'out', 'missing.vtt'))).toBe(false)
    const again = await cli([
      'transcribe',
      good,
      '--model',
      model,
      '--format',
      'vtt',
      '--out',
      path.join(dir, 'out', 'ders notu.vtt'),
      '--data-dir',
      dir,
    ])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('pass --force')
    const list = JSON.parse((await cli(['models', 'list', '--json', '--data-dir', dir])).stdout)
    expect(list.find((m: { name: string }) => m.name === 'mini-test')).toMatchObject({ installed: true })
    expect(list.filter((m: { recommended: boolean }) => m.recommended)).toHaveLength(1)
    const missing = await cli(['transcribe', good, '--model', 'small', '--data-dir', dir])
    expect(missing.stderr).toMatch(/not installed.*models pull small/)
  })
})
