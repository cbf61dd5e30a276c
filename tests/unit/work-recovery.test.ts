import { describe, expect, it } from 'vitest'
import { createInitialDb } from '../../src/core/initial-db'
import { ProcessOwner } from '../../src/core/runtime/process-owner'
import { ownedBy, recoverInterruptedWork } from '../../src/core/runtime/work-recovery'
import type { Db } from '../../src/core/store/db-schema'
import { Store } from '../../src/core/store/store'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

function job(id: string, status: Db['jobs'][number]['status']): Db['jobs'][number] {
  return {
    id,
    file: `/media/${id}.mp4`,
    fileName: `${id}.mp4`,
    status,
    progress: 0,
    etaSec: null,
    realtimeFactor: null,
    durationSec: null,
    options: { model: 'base', language: 'auto', translate: false, prompt: '' },
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    error: null,
    transcriptId: null,
  }
}

describe('start-up recovery', () => {
  it('marks interrupted only the jobs and enhancements whose owner is gone', async () => {
    const dir = tempDir()
    const store = await Store.open(dir, createInitialDb)
    const live = await ProcessOwner.start(dir)
    const gone = await ProcessOwner.start(dir)
    await store.mutate((db) => {
      db.jobs.push(job('live-running', 'running'), job('live-queued', 'queued'), job('gone-running', 'running'))
      db.jobs.push(job('legacy-queued', 'queued')) // from before owners were recorded
      db.owners[ownedBy.job('live-running')] = live.owner
      db.owners[ownedBy.job('live-queued')] = live.owner
      db.owners[ownedBy.job('gone-running')] = gone.owner
    })
    await gone.close()
    const self = await ProcessOwner.start(dir)
    expect(await recoverInterruptedWork(store, self)).toEqual({ refunded: 0, enhancements: 0, jobs: 2 })
    expect(Object.fromEntries(store.data.jobs.map((j) => [j.id, j.status]))).toEqual({
      'live-running': 'running',
      'live-queued': 'queued',
      'gone-running': 'interrupted',
      'legacy-queued': 'interrupted',
    })
    expect(Object.keys(store.data.owners).sort()).toEqual([ownedBy.job('live-queued'), ownedBy.job('live-running')])
    await live.close()
    await self.close()
  })

  it('knows a killed process is gone at once, before its lock goes stale', async () => {
    const dir = tempDir()
    const self = await ProcessOwner.start(dir)
    // a pid that cannot be running: the lock file of such an owner may still be fresh
    expect(await self.isAlive({ instance: 'x', pid: 2 ** 22 + 12345, host: self.owner.host })).toBe(false)
    expect(await self.isAlive(self.owner)).toBe(true)
    expect(await self.isAlive(null)).toBe(false)
    await self.close()
  })
})
