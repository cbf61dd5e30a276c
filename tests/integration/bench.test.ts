import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { machineKey } from '../../src/core/hardware/backends'
import { Store } from '../../src/core/store/store'
import { createInitialDb } from '../../src/core/initial-db'
import type { BenchReport, HardwareStatus } from '../../src/shared/calls/hardware-calls'
import { installMiniModel } from '../helpers/transcribe-env'
import { useTempDirs } from '../helpers/temp-dir'

const run = promisify(execFile)
const tempDir = useTempDirs()
const bin = path.resolve(import.meta.dirname, '../../bin/mp4totext.mjs')

async function cli(dir: string, ...args: string[]) {
  const r = await run(process.execPath, [bin, ...args, '--data-dir', dir], {
    env: { ...process.env, MP4TOTEXT_DATA_DIR: '' },
    maxBuffer: 16 * 1024 * 1024,
  })
  return r.stdout
}

describe('mp4totext bench: the built-in hardware test', () => {
  it(
    '--json measures each installed model on the CPU, stores the figures for this machine, and the model list shows them',
    { timeout: 300_000 },
    async () => {
      const dir = tempDir()
      await installMiniModel(dir)
      const report = JSON.parse(await cli(dir, 'bench', '--json', '--backend', 'cpu')) as BenchReport
      expect(report.clipSec).toBe(30)
      expect(report.machine).toBe(machineKey())
      expect(report.failures).toEqual([])
      expect(report.results).toHaveLength(1)
      const [r] = report.results
      expect(r).toMatchObject({ model: 'mini-test', backend: 'cpu', audioSec: 30 })
      expect(r!.rtf).toBeGreaterThan(0)
      expect(r!.rtf).toBeCloseTo(r!.elapsedSec / 30, 2)
      expect(r!.device).toMatch(/threads/)
      // the only measured model is the recommendation
      expect(report.recommendedModel).toBe('mini-test')

      // stored per machine in db.json
      const store = await Store.open(dir, createInitialDb)
      expect(store.data.hardware[machineKey()]?.bench).toEqual(report.results)

      // the model list carries the measured speed
      const models = JSON.parse(await cli(dir, 'models', 'list', '--json')) as { name: string; measuredRtf?: number | null }[]
      expect(models.find((m) => m.name === 'mini-test')?.measuredRtf).toBe(r!.rtf)
    },
  )

  it('recommends from the stored figures: the most accurate model fast enough here, never large-v3-turbo when it is slow', async () => {
    const dir = tempDir()
    await installMiniModel(dir)
    const store = await Store.open(dir, createInitialDb)
    const at = new Date().toISOString()
    const row = (model: string, rtf: number) => ({
      model,
      backend: 'cpu' as const,
      device: 'cpu',
      rtf,
      audioSec: 30,
      elapsedSec: rtf * 30,
      at,
    })
    // what 2 cores measure: large-v3-turbo needs twice the audio's length, small a third of it
    await store.mutate((db) => {
      db.hardware[machineKey()] = {
        bench: [row('large-v3-turbo', 2.1), row('small', 0.33), row('base', 0.12), row('tiny', 0.05)],
      }
    })
    const status = JSON.parse(await cli(dir, 'bench', 'devices', '--json')) as HardwareStatus
    expect(status.recommendedModel).toBe('small')
    expect(status.chosen.backend).toBe('cpu')
    const models = JSON.parse(await cli(dir, 'models', 'list', '--json')) as {
      name: string
      recommended: boolean
      measuredRtf?: number | null
    }[]
    expect(models.filter((m) => m.recommended).map((m) => m.name)).toEqual(['small'])
    expect(models.find((m) => m.name === 'large-v3-turbo')?.measuredRtf).toBe(2.1)

    // a faster machine's figures: large-v3-turbo is fast enough there
    await store.mutate((db) => {
      db.hardware[machineKey()] = { bench: [row('large-v3-turbo', 0.3), row('small', 0.1)] }
    })
    expect((JSON.parse(await cli(dir, 'bench', 'devices', '--json')) as HardwareStatus).recommendedModel).toBe('large-v3-turbo')
  })
})
