// The enhancement's credits (db.json) and its record (library.db) are two writes: a failed
// record write gives the credits back, a failed "done" write is retried, and start-up recovery
// brings every record of a gone process in line with its reservation (work-recovery's table).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { CreditsService } from '../../src/core/credits/credits-service'
import { createInitialDb } from '../../src/core/initial-db'
import { ProcessOwner } from '../../src/core/runtime/process-owner'
import { ownedBy, recoverInterruptedWork } from '../../src/core/runtime/work-recovery'
import type { Db } from '../../src/core/store/db-schema'
import { LibraryDb } from '../../src/core/store/library-db'
import { Store } from '../../src/core/store/store'
import type { EnhanceRequest, EnhancementRecord } from '../../src/shared/enhance-types'
import { AppError } from '../../src/shared/errors'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { startFakeLlmServer, type FakeLlmServer } from '../helpers/fake-llm-server'
import { readLibrary } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
let server: FakeLlmServer
beforeAll(async () => {
  server = await startFakeLlmServer({ apiKey: TEST_KEY })
})
afterAll(() => server.close())

const req: EnhanceRequest = { text: 'merhaba dünya.', provider: 'groq', modelId: 'llama-3.1-8b-instant', preset: 'cleanup' }
const open = (dir: string): Promise<Core> =>
  openCore({ dataDir: dir, shell: 'cli', version: 't', systemLocale: 'en', env: envFor(server) })

describe('the record in library.db, the credits in db.json', () => {
  it('a record that cannot be written stops the run before any request, and its credits go back', async () => {
    const core = await open(tempDir())
    const before = core.credits.state().balance
    const requests = server.requests.length
    vi.spyOn(core.library, 'transaction').mockImplementationOnce(() => {
      throw new AppError('store-failed', 'Could not save library.db: disk I/O error')
    })
    await expect(core.enhance.run(req)).rejects.toThrow(/disk I\/O error/)
    expect(server.requests.length).toBe(requests)
    expect(core.credits.state().balance).toBe(before)
    expect(core.store.data.credits.reservations.map((r) => r.status)).toEqual(['refunded'])
    expect(core.enhance.history()).toEqual([])
    await core.close()
  })

  it('a "done" that cannot be written is retried until it lands; the charge stands once', async () => {
    const core = await open(tempDir())
    const before = core.credits.state().balance
    const real = core.library.transaction.bind(core.library)
    let calls = 0
    vi.spyOn(core.library, 'transaction').mockImplementation(<T>(fn: () => T): T => {
      // the writes of a run: its running record, its texts, then its "done"
      if (++calls === 3) throw new AppError('store-failed', 'Could not save library.db: disk full')
      return real(fn)
    })
    const result = await core.enhance.run(req)
    await until('the record to be done', () => core.enhance.history()[0]?.status === 'done')
    expect(core.credits.state().balance).toBe(before - result.credits)
    expect(core.store.data.credits.reservations.map((r) => r.status)).toEqual(['committed'])
    expect(core.store.data.credits.ledger.filter((e) => e.type === 'charge')).toHaveLength(1)
    await core.close()
  })

  it('closing the core with a run in flight settles it first: refunded, recorded failed (interrupted), nothing left running', async () => {
    const dir = tempDir()
    const core = await open(dir)
    const before = core.credits.state().balance
    let release!: () => void
    server.fail({ model: 'llama-3.1-8b-instant', holdUntil: new Promise<void>((r) => (release = r)) })
    try {
      const requests = server.requests.length
      await core.enhance.start(req)
      await until('the request to reach the provider', () => server.requests.length > requests)
      await core.close()
    } finally {
      release()
    }
    // read as the next process would, with the core's files closed
    const db = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as Db
    expect(db.credits.reservations.map((r) => r.status)).toEqual(['refunded'])
    expect(db.credits.ledger.reduce((a, e) => a + e.amount, 0)).toBe(before)
    expect(db.credits.ledger.at(-1)).toMatchObject({ type: 'refund', reason: 'Refund: work interrupted before it finished' })
    const lib = readLibrary(dir)
    expect(lib.enhancements).toMatchObject([{ status: 'failed', error: 'Interrupted: the app stopped before it finished' }])
    expect(lib.owners).toEqual({})
    // the next start finds nothing left to settle
    const next = await open(dir)
    expect(next.credits.state().balance).toBe(before)
    expect(next.enhance.history()).toMatchObject([{ status: 'failed' }])
    await next.close()
  })

  it('a run asked for while the core closes is refused before anything is reserved', async () => {
    const dir = tempDir()
    const core = await open(dir)
    const ledger = (JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as Db).credits.ledger.length
    await core.enhance.shutdown()
    const err = await core.enhance.start(req).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'cancelled' })
    await core.close()
    const db = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')) as Db
    expect(db.credits.reservations).toEqual([])
    expect(db.credits.ledger).toHaveLength(ledger)
    expect(readLibrary(dir).enhancements).toEqual([])
  })
})

describe('start-up recovery of enhancements', () => {
  it('reconciles each record of a gone owner with its reservation, and leaves a live owner’s alone', async () => {
    const dir = tempDir()
    const store = await Store.open(dir, createInitialDb)
    const library = LibraryDb.open(dir)
    const live = await ProcessOwner.start(dir)
    const gone = await ProcessOwner.start(dir)
    const record = (id: string): EnhancementRecord => ({
      id,
      at: new Date().toISOString(),
      status: 'running',
      provider: 'groq',
      modelId: 'llama-3.1-8b-instant',
      displayName: 'Llama',
      preset: 'cleanup',
      credits: 10,
      inputChars: 5,
      preview: '',
      stats: null,
      error: null,
      compareId: null,
      transcriptId: null,
    })
    const texts = (id: string, partial: boolean) =>
      library.transaction(() => library.enhancementTexts.put(id, { input: 'x', output: `OUT ${id}`, partial }))
    const goneCredits = new CreditsService(store, undefined, gone.owner)
    const liveCredits = new CreditsService(store, undefined, live.owner)
    // what a gone process left at each point of its run
    await goneCredits.reserve(10, 'no-record', 'r') // killed after reserve
    await goneCredits.reserve(10, 'pending', 'r') // killed during the call
    const refunded = await goneCredits.reserve(10, 'refunded', 'r') // killed after a refund
    await goneCredits.refund(refunded.id, 'r')
    const paid = await goneCredits.reserve(10, 'paid', 'r') // killed after commit
    texts('paid', false)
    await goneCredits.commit(paid.id)
    const paidNoText = await goneCredits.reserve(10, 'paid-no-text', 'r')
    await goneCredits.commit(paidNoText.id)
    await liveCredits.reserve(10, 'live', 'r') // a live process, still running
    library.transaction(() => {
      for (const id of ['pending', 'refunded', 'paid', 'paid-no-text', 'no-reservation']) {
        library.enhancements.put(record(id))
        library.owners.set(ownedBy.enhancement(id), gone.owner)
      }
      library.enhancements.put(record('live'))
      library.owners.set(ownedBy.enhancement('live'), live.owner)
    })
    const balance = new CreditsService(store).state().balance
    await gone.close()

    const self = await ProcessOwner.start(dir)
    expect(await recoverInterruptedWork(store, self, library)).toEqual({ refunded: 2, enhancements: 5, jobs: 0 })
    const status = (ref: string) => store.data.credits.reservations.find((r) => r.ref === ref)!.status
    expect(['no-record', 'pending', 'refunded', 'paid', 'paid-no-text', 'live'].map(status)).toEqual([
      'refunded',
      'refunded',
      'refunded',
      'committed',
      'committed',
      'pending',
    ])
    expect(new CreditsService(store).state().balance).toBe(balance + 20)
    const byId = Object.fromEntries(library.enhancements.all().map((e) => [e.id, e]))
    expect(byId.paid).toMatchObject({ status: 'done', preview: 'OUT paid', error: null })
    for (const id of ['pending', 'refunded', 'paid-no-text', 'no-reservation'])
      expect(byId[id], id).toMatchObject({ status: 'failed', error: expect.stringContaining('Interrupted') })
    expect(byId.live).toMatchObject({ status: 'running' })
    expect(library.owners.all()).toEqual({ [ownedBy.enhancement('live')]: live.owner })

    // a second pass finds nothing more to do
    expect(await recoverInterruptedWork(store, self, library)).toEqual({ refunded: 0, enhancements: 0, jobs: 0 })
    library.close()
    store.close()
    await live.close()
    await self.close()
  })
})
