import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'

/** A fresh data dir per test, removed afterwards. */
export function useTempDirs(): () => string {
  const made: string[] = []
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  return () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-test-'))
    made.push(d)
    return d
  }
}
