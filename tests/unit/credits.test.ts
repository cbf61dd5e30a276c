import { describe, expect, it } from 'vitest'
import { CreditsService } from '../../src/core/credits/credits-service'
import { createInitialDb } from '../../src/core/initial-db'
import { ProcessOwner } from '../../src/core/runtime/process-owner'
import { recoverInterruptedWork } from '../../src/core/runtime/work-recovery'
import { Store } from '../../src/core/store/store'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

async function open(dir = tempDir()) {
  const store = await Store.open(dir, createInitialDb)
  return { store, credits: new CreditsService(store), dir }
}

const sum = (store: Store) => store.data.credits.ledger.reduce((a, e) => a + e.amount, 0)

describe('credits', () => {
  it('grants the starting balance once on first run', async () => {
    const { credits, dir } = await open()
    expect(credits.state()).toMatchObject({ balance: 1000, ledgerEntries: 1, low: false })
    const again = await open(dir)
    expect(again.credits.state().ledgerEntries).toBe(1)
  })

  it('charges on reserve, keeps it on commit, gives it back on refund', async () => {
    const { credits, store } = await open()
    const r = await credits.reserve(24, 'enh-1', 'Enhancement')
    expect(credits.state().balance).toBe(976)
    await credits.commit(r.id, { tokensIn: 10 })
    expect(credits.state().balance).toBe(976)
    expect(store.data.credits.ledger.at(-1)).toMatchObject({ type: 'charge', amount: -24, details: { tokensIn: 10 } })
    const r2 = await credits.reserve(46, 'enh-2', 'Enhancement')
    await credits.refund(r2.id, 'Provider error')
    expect(credits.state().balance).toBe(976)
    // refunding twice gives back once
    await credits.refund(r2.id, 'again')
    expect(credits.state().balance).toBe(976)
  })

  it('refuses work it cannot pay for, with cost and balance in the message, and charges nothing', async () => {
    const { credits, store } = await open()
    await credits.adjustTo(10, 'test')
    const entries = store.data.credits.ledger.length
    await expect(credits.reserve(24, 'x', 'Enhancement')).rejects.toThrow(/needs 24 credits and the balance is 10/)
    expect(store.data.credits.ledger.length).toBe(entries)
  })

  it('runs a 0-credit model on an empty balance without a ledger line', async () => {
    const { credits, store } = await open()
    await credits.adjustTo(0, 'test')
    const entries = store.data.credits.ledger.length
    const r = await credits.reserve(0, 'free', 'Enhancement')
    await credits.commit(r.id)
    expect(store.data.credits.ledger.length).toBe(entries)
    expect(credits.state().balance).toBe(0)
  })

  it('refunds what a process that is gone left pending, and leaves a live process’s reservation alone', async () => {
    const dir = tempDir()
    const store = await Store.open(dir, createInitialDb)
    const live = await ProcessOwner.start(dir)
    const gone = await ProcessOwner.start(dir)
    const liveCredits = new CreditsService(store, undefined, live.owner)
    const goneCredits = new CreditsService(store, undefined, gone.owner)
    await liveCredits.reserve(100, 'running', 'Enhancement')
    await goneCredits.reserve(50, 'crashed', 'Enhancement')
    await gone.close() // its lock is released, as when the process ends
    const next = await ProcessOwner.start(dir)
    const after = await Store.open(dir, createInitialDb)
    expect(await recoverInterruptedWork(after, next)).toMatchObject({ refunded: 1 })
    expect(new CreditsService(after).state().balance).toBe(900)
    expect(after.data.credits.ledger.at(-1)).toMatchObject({ type: 'refund', amount: 50, ref: 'crashed' })
    expect(after.data.credits.reservations.map((r) => r.status)).toEqual(['pending', 'refunded'])
    await live.close()
    await next.close()
  })

  it('adds a top-up once however often the same request is sent', async () => {
    const { credits, store } = await open()
    await credits.topUp(100, 'Top-up', 'request-0001')
    await credits.topUp(100, 'Top-up', 'request-0001')
    await credits.topUp(100, 'Top-up', 'request-0002')
    expect(credits.state().balance).toBe(1200)
    expect(store.data.credits.ledger.filter((e) => e.type === 'top-up')).toHaveLength(2)
    // the same id for a different amount is a mistake, not a retry: refused, nothing added
    await expect(credits.topUp(500, 'Top-up', 'request-0001')).rejects.toThrow(/already used for a top-up of 100/)
    expect(credits.state().balance).toBe(1200)
  })

  it('warns under the low-balance threshold', async () => {
    const { credits } = await open()
    await credits.adjustTo(99, 'test')
    expect(credits.state().low).toBe(true)
  })

  it('pages history newest first', async () => {
    const { credits } = await open()
    for (let i = 1; i <= 5; i++) await credits.topUp(i, `t${i}`)
    const p0 = credits.history(0, 2)
    expect(p0.total).toBe(6)
    expect(p0.entries.map((e) => e.reason)).toEqual(['t5', 't4'])
    expect(credits.history(2, 2).entries.map((e) => e.reason)).toEqual(['t1', 'Welcome credits'])
  })

  it('keeps balance = sum of ledger, never negative, over a random sequence', async () => {
    const { credits, store } = await open()
    let seed = 12345
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const pending: string[] = []
    for (let i = 0; i < 300; i++) {
      const op = rand(5)
      try {
        if (op === 0) await credits.topUp(1 + rand(50), 'r')
        else if (op === 1) pending.push((await credits.reserve(rand(120), `r${i}`, 'r')).id)
        else if (op === 2 && pending.length) await credits.commit(pending.splice(rand(pending.length), 1)[0]!)
        else if (op === 3 && pending.length) await credits.refund(pending.splice(rand(pending.length), 1)[0]!, 'r')
        else if (op === 4) await credits.adjustTo(rand(500), 'r')
      } catch (err) {
        expect((err as Error).message).toMatch(/needs \d+ credits/)
      }
      const state = credits.state()
      expect(state.balance).toBe(sum(store))
      expect(state.balance).toBeGreaterThanOrEqual(0)
    }
    const reopened = await open(store.filePath.replace(/\/db\.json$/, ''))
    expect(reopened.credits.state().balance).toBe(sum(store))
  })
})
