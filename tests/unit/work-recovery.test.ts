import { describe, expect, it } from 'vitest'
import { createInitialDb } from '../../src/core/initial-db'
import { ProcessOwner } from '../../src/core/runtime/process-owner'
import { ownedBy, recoverInterruptedWork } from '../../src/core/runtime/work-recovery'
import { LibraryDb } from '../../src/core/store/library-db'
import { Store } from '../../src/core/store/store'
import { useTempDirs } from '../helpers/temp-dir'
import type { Job } from '../../src/shared/transcribe-types'

const tempDir = useTempDirs()

function job(id: string, status: Job['status']): Job {
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
    const library = LibraryDb.open(dir)
    library.transaction(() => {
      for (const j of [job('live-running', 'running'), job('live-queued', 'queued'), job('gone-running', 'running')])
        library.jobs.put(j)
      library.jobs.put(job('legacy-queued', 'queued')) // from before owners were recorded
      library.owners.set(ownedBy.job('live-running'), live.owner)
      library.owners.set(ownedBy.job('live-queued'), live.owner)
      library.owners.set(ownedBy.job('gone-running'), gone.owner)
    })
    await gone.close()
    const self = await ProcessOwner.start(dir)
    expect(await recoverInterruptedWork(store, self, library)).toEqual({ refunded: 0, enhancements: 0, jobs: 2 })
    expect(Object.fromEntries(library.jobs.all().map((j) => [j.id, j.status]))).toEqual({
      'live-running': 'running',
      'live-queued': 'queued',
      'gone-running': 'interrupted',
      'legacy-queued': 'interrupted',
    })
    expect(Object.keys(library.owners.all()).sort()).toEqual([ownedBy.job('live-queued'), ownedBy.job('live-running')])
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
