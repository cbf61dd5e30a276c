import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../../src/cli/main'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')

async function cli(...args: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) })
  return { code, stdout, stderr }
}

describe('mp4totext CLI', () => {
  it('pricing --provider groq prints the spec verification lines', async () => {
    const dir = tempDir()
    const r = await cli('pricing', '--provider', 'groq', '--data-dir', dir)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      '0.2x | 4 credits | llama-3.1-8b-instant\n0.4x | 8 credits | openai/gpt-oss-20b\n1.2x | 24 credits | openai/gpt-oss-120b\n2.3x | 46 credits | llama-3.3-70b-versatile\n',
    )
  })

  it('pricing --json gives the documented fields; --all adds inactive models', async () => {
    const dir = tempDir()
    const active = JSON.parse((await cli('pricing', '--json', '--data-dir', dir)).stdout)
    expect(active).toHaveLength(41)
    expect(Object.keys(active[0]).sort()).toEqual(
      [
        'active',
        'contextTokens',
        'credits',
        'displayName',
        'inputUsdPer1M',
        'kind',
        'modelId',
        'multiplier',
        'outputUsdPer1M',
        'provider',
      ].sort(),
    )
    expect(active.find((m: { modelId: string }) => m.modelId === 'gpt-5-pro')).toMatchObject({ multiplier: 50, credits: 1000 })
    const all = JSON.parse((await cli('pricing', '--json', '--all', '--data-dir', dir)).stdout)
    expect(all).toHaveLength(42)
    expect(all.find((m: { modelId: string }) => m.modelId === 'whisper-large-v3-turbo')).toMatchObject({
      active: false,
      kind: 'transcription',
    })
  })

  it('credits, credits add and credits history share one ledger', async () => {
    const dir = tempDir()
    expect(JSON.parse((await cli('credits', '--json', '--data-dir', dir)).stdout)).toEqual({ balance: 1000, ledgerEntries: 1 })
    const add = await cli('credits', 'add', '25', '--reason', 'gift', '--data-dir', dir)
    expect(add.stdout).toContain('Balance: 1025 credits')
    const hist = JSON.parse((await cli('credits', 'history', '--json', '--data-dir', dir)).stdout)
    expect(hist.map((e: { type: string; amount: number }) => [e.type, e.amount])).toEqual([
      ['top-up', 25],
      ['grant', 1000],
    ])
  })

  it('bad arguments print usage to stderr with exit code 2', async () => {
    const dir = tempDir()
    for (const args of [
      ['credits', 'add', 'ten'],
      ['credits', 'add', '0'],
      ['pricing', '--provider', 'acme'],
      ['frobnicate'],
      ['pricing', '--bogus'],
    ]) {
      const r = await cli(...args, '--data-dir', dir)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/^error: /)
      expect(r.stderr).toContain('Usage: mp4totext')
      expect(r.stdout).toBe('')
    }
  })

  it('a db.json from a newer version fails with a clear message and exit code 1', async () => {
    const dir = tempDir()
    const { writeFileSync } = await import('node:fs')
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ schemaVersion: 999 }))
    const r = await cli('credits', '--data-dir', dir)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/newer MP4toText/)
  })

  it('runs as a real process through the bin entry and honours MP4TOTEXT_DATA_DIR', () => {
    const dir = tempDir()
    const res = spawnSync(process.execPath, [path.join(root, 'bin/mp4totext.mjs'), 'credits', '--json'], {
      env: { ...process.env, MP4TOTEXT_DATA_DIR: dir },
      encoding: 'utf8',
    })
    expect(res.status).toBe(0)
    expect(JSON.parse(res.stdout)).toEqual({ balance: 1000, ledgerEntries: 1 })
  })
})
