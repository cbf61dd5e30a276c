// The hardware test's failures (a model × backend that could not run) are shown in Settings: each
// keeps its error's key and values beside its English reason, so a Turkish page words it itself.
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { errorText } from '../../src/renderer/src/lib/error-text'
import { openTranscribeCore } from '../helpers/transcribe-env'
import { useTempDirs } from '../helpers/temp-dir'
import { expectKeyed } from '../unit/keyed-refusal'
import { useMessages } from '../unit/use-messages'

const tempDir = useTempDirs()
useMessages('tr')

/** An engine that cannot load the model: it says so and exits, as whisper-server does. */
function refusingEngine(dir: string): string {
  const file = path.join(dir, 'refusing-whisper-server')
  writeFileSync(file, '#!/bin/sh\necho "error: failed to load model" >&2\nexit 3\n')
  chmodSync(file, 0o755)
  return file
}

describe('the hardware test says why a model could not be measured, in Turkish', () => {
  it('an engine that cannot load the model: the failure carries the engine key', async () => {
    const dir = tempDir()
    const { core } = await openTranscribeCore(dir, { core: { env: { MP4TOTEXT_WHISPER_SERVER: refusingEngine(dir) } } })
    try {
      const report = await core.handlers['hardware.bench']({ backends: ['cpu'] })
      expect(report.results).toEqual([])
      expect(report.failures).toHaveLength(1)
      const [f] = report.failures
      expect(f).toMatchObject({ model: 'mini-test', backend: 'cpu' })
      expect(f!.reason).toMatch(/engine/)
      const e = (f as { error?: { code: string; key?: string; params?: Record<string, string | number> } }).error
      const tr = expectKeyed({ ...e, message: f!.reason }, e?.key ?? '(no key)')
      expect(tr).toContain('failed to load model')
      expect(errorText({ ...e, message: f!.reason })).toBe(tr)
    } finally {
      await core.close()
    }
  })
})
