import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs')
const web = (args: string[]) =>
  spawnSync(process.execPath, [tsx, path.join(root, 'src/web/main.ts'), ...args], { encoding: 'utf8', timeout: 60_000 })

describe('the web host command line (npm run web -- …)', () => {
  it('--help prints the usage and exits 0, without opening a data folder', () => {
    const r = web(['--help'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/Usage: npm run web -- \[--data-dir DIR\] \[--port N\] \[--static DIR\]/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('an unknown option is a one-line error with the usage, exit 2, no stack trace', () => {
    const r = web(['--bogus', '--data-dir', tempDir()])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/error: unknown option --bogus/)
    expect(r.stderr).toMatch(/Usage: npm run web --/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('a port that is not a number is refused the same way', () => {
    const r = web(['--port', 'abc', '--data-dir', tempDir()])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/error: --port must be a whole number from 0 to 65535/)
  })
})
