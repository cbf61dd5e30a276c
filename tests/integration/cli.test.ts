import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS, parse } from '../../src/cli/cli-args'
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
  it('pricing --provider groq prints the seed verification lines', async () => {
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
    expect(all).toHaveLength(44)
    // transcription rows are listed with --all only: their credits are per started minute
    expect(all.find((m: { modelId: string }) => m.modelId === 'whisper-large-v3-turbo')).toMatchObject({
      active: true,
      kind: 'transcription',
      credits: 1,
    })
    expect(active.some((m: { kind: string }) => m.kind === 'transcription')).toBe(false)
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

  it('adds a top-up once when the same --request-id is sent again (a retried command)', async () => {
    const dir = tempDir()
    expect((await cli('credits', 'add', '50', '--request-id', 'retry-0001', '--data-dir', dir)).code).toBe(0)
    expect((await cli('credits', 'add', '50', '--request-id', 'retry-0001', '--data-dir', dir)).code).toBe(0)
    expect((await cli('credits', 'add', '50', '--data-dir', dir)).code).toBe(0)
    const r = await cli('credits', '--json', '--data-dir', dir)
    expect(JSON.parse(r.stdout)).toEqual({ balance: 1100, ledgerEntries: 3 })
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

describe('mp4totext pricing apply / history / undo / set / export', () => {
  it("previews, applies and undoes the seed's update on the pre-update catalog", async () => {
    const { openCore } = await import('../../src/core/app-core')
    const { preUpdateCatalog, specUpdatePath } = await import('../helpers/pre-update-catalog')
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'cli', version: 't', systemLocale: 'en' })
    await core.store.mutate((db) => {
      db.catalog.models = preUpdateCatalog()
    })
    const dry = await cli('pricing', 'apply', specUpdatePath, '--dry-run', '--data-dir', dir)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('Cheaper:\n  groq/llama-3.1-8b-instant: 0.3x → 0.2x (6 → 4 credits, 33% cheaper)\n')
    expect(dry.stdout).toContain(
      'More expensive:\n  groq/llama-3.3-70b-versatile: 1.5x → 2.3x (30 → 46 credits, 53% more expensive)\n',
    )
    expect((await cli('pricing', '--provider', 'groq', '--data-dir', dir)).stdout).toContain(
      '0.3x | 6 credits | llama-3.1-8b-instant',
    )

    expect((await cli('pricing', 'apply', specUpdatePath, '--data-dir', dir)).code).toBe(0)
    expect((await cli('pricing', '--provider', 'groq', '--data-dir', dir)).stdout).toContain(
      '0.2x | 4 credits | llama-3.1-8b-instant',
    )
    const hist = JSON.parse((await cli('pricing', 'history', '--json', '--data-dir', dir)).stdout)
    expect(hist[0]).toMatchObject({ kind: 'update', title: 'Groq pricing update', undoneAt: null })
    expect((await cli('pricing', 'undo', '--data-dir', dir)).stdout).toMatch(/^Undid "Groq pricing update"/)
    expect((await cli('pricing', '--provider', 'groq', '--data-dir', dir)).stdout).toContain(
      '0.3x | 6 credits | llama-3.1-8b-instant',
    )
  })

  it('set needs a reason and a provider/model reference; export quotes CSV cells', async () => {
    const dir = tempDir()
    expect((await cli('pricing', 'set', 'groq/llama-3.1-8b-instant', '--multiplier', '0.3', '--data-dir', dir)).stderr).toMatch(
      /--reason/,
    )
    expect((await cli('pricing', 'set', 'llama', '--reason', 'x', '--data-dir', dir)).code).toBe(2)
    expect(
      (await cli('pricing', 'set', 'groq/llama-3.1-8b-instant', '--active', 'maybe', '--reason', 'x', '--data-dir', dir)).code,
    ).toBe(2)
    const ok = await cli(
      'pricing',
      'set',
      'groq/llama-3.1-8b-instant',
      '--multiplier',
      '0.3',
      '--reason',
      'test',
      '--data-dir',
      dir,
    )
    expect(ok.stdout).toContain('0.2x → 0.3x (4 → 6 credits, 50% more expensive)')
    const bad = await cli('pricing', 'apply', '/nonexistent/update.json', '--data-dir', dir)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/Cannot read .*no such file/)
    const csv = (await cli('pricing', 'export', '--data-dir', dir)).stdout.trim().split('\n')
    expect(csv).toHaveLength(45)
    expect(csv).toContain('groq,llama-3.1-8b-instant,Llama 3.1 8B Instant,0.05,0.08,131072,0.3,6,true,chat')
  })
})

describe('options and help come from one definition', () => {
  it('each command’s --help lists exactly the options it accepts, and each of them parses', async () => {
    for (const [name, spec] of Object.entries(COMMANDS)) {
      const r = await cli(name, '--help')
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^Usage: mp4totext ${name} `))
      const section = r.stdout.split('\nOptions:\n')[1]!.split('\n\n')[0]!
      const listed = [...section.matchAll(/^ {2}(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1])
      expect(listed.sort(), name).toEqual([...Object.keys(spec.options), 'data-dir', 'help'].sort())
      for (const [opt, o] of Object.entries(spec.options as Record<string, { type: string }>)) {
        const argv = o.type === 'string' ? [`--${opt}`, 'x'] : [`--${opt}`]
        expect(parse(argv, name as keyof typeof COMMANDS).values[opt], `${name} --${opt}`).toBeDefined()
      }
    }
    expect((await cli('help', 'credits')).stdout).toMatch(/^Usage: mp4totext credits /)
  })

  it('an option another command takes is refused with this command’s help', async () => {
    const dir = tempDir()
    const r = await cli('credits', '--force', '--data-dir', dir)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: Unknown option '--force'/)
    expect(r.stderr).toContain('Usage: mp4totext credits')
    expect(r.stderr).not.toContain('--threads')
  })
})
