import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CreditsService } from '../../src/core/credits/credits-service'
import { checkLedger } from '../../src/core/credits/ledger'
import { createInitialDb } from '../../src/core/initial-db'
import { CURRENT_SCHEMA_VERSION, DbSchema } from '../../src/core/store/db-schema'
import { migrate } from '../../src/core/store/migrations'
import { Store } from '../../src/core/store/store'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

describe('store', () => {
  it('creates db.json on first run and keeps earlier versions, never a copy of the current one', async () => {
    const dir = tempDir()
    const store = await Store.open(dir, createInitialDb)
    expect(store.notice).toBeNull()
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8'))
    expect(onDisk.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
    expect(onDisk.catalog.models).toHaveLength(44)
    for (let i = 1; i <= 5; i++)
      await store.mutate((db) => {
        db.settings.lowBalanceThreshold = i
      })
    const threshold = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).settings.lowBalanceThreshold
    expect(threshold('db.json')).toBe(5)
    expect([threshold('db.json.bak-1'), threshold('db.json.bak-2'), threshold('db.json.bak-3')]).toEqual([4, 3, 2])
    expect(existsSync(path.join(dir, 'db.json.bak-4'))).toBe(false)
  })

  it('persists mutations across reopen', async () => {
    const dir = tempDir()
    const a = await Store.open(dir, createInitialDb)
    await a.mutate((db) => {
      db.settings.lowBalanceThreshold = 7
    })
    const b = await Store.open(dir, createInitialDb)
    expect(b.data.settings.lowBalanceThreshold).toBe(7)
  })

  it('serializes concurrent mutations: twenty increments at once all count, in order', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    const seen: number[] = []
    await Promise.all(
      Array.from({ length: 20 }, () =>
        s.mutate((db) => {
          // a read-modify-write: a lost update would leave the count short
          db.settings.lowBalanceThreshold += 1
          seen.push(db.settings.lowBalanceThreshold)
        }),
      ),
    )
    const start = createInitialDb().settings.lowBalanceThreshold
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => start + i + 1))
    const again = await Store.open(dir, createInitialDb)
    expect(again.data.settings.lowBalanceThreshold).toBe(start + 20)
  })

  it('keeps a corrupt db.json aside and restores the newest good backup', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    await s.mutate((db) => {
      db.settings.lowBalanceThreshold = 42
    })
    await s.mutate((db) => {
      db.settings.lowBalanceThreshold = 43
    })
    writeFileSync(path.join(dir, 'db.json'), '{"schemaVersion": 1, "settings": ')
    const reopened = await Store.open(dir, createInitialDb)
    expect(reopened.notice?.kind).toBe('restored-from-backup')
    expect(reopened.data.settings.lowBalanceThreshold).toBe(42)
    const corrupt = readdirSync(dir).filter((f) => f.startsWith('db.json.corrupt-'))
    expect(corrupt).toHaveLength(1)
    expect(readFileSync(path.join(dir, corrupt[0]!), 'utf8')).toBe('{"schemaVersion": 1, "settings": ')
  })

  it('never replaces a damaged store by a fresh one with new welcome credits: it stops and says how to get out', async () => {
    const dir = tempDir()
    const text = JSON.stringify({ schemaVersion: 1, settings: { baseCredits: 'twenty' } })
    writeFileSync(path.join(dir, 'db.json'), text)
    await expect(Store.open(dir, createInitialDb)).rejects.toThrow(/no backup beside it is usable\. Nothing was changed/)
    // left exactly as it was; no fresh database (and no second welcome grant) took its place
    expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).toBe(text)
    expect(readdirSync(dir).filter((f) => f.startsWith('db.json'))).toEqual(['db.json'])
  })

  it('restores the newest backup that is valid, skipping damaged ones', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    for (const n of [10, 20, 30])
      await s.mutate((db) => {
        db.settings.lowBalanceThreshold = n
      })
    // db.json holds 30, bak-1 20, bak-2 10: break db.json and bak-1
    writeFileSync(path.join(dir, 'db.json'), '{"schemaVersion": 6}')
    writeFileSync(path.join(dir, 'db.json.bak-1'), 'not json')
    const reopened = await Store.open(dir, createInitialDb)
    expect(reopened.notice).toMatchObject({ kind: 'restored-from-backup', backup: path.join(dir, 'db.json.bak-2') })
    expect(reopened.data.settings.lowBalanceThreshold).toBe(10)
    expect(reopened.data.credits.ledger.filter((e) => e.type === 'grant')).toHaveLength(1)
  })

  it('a write reported as failed left db.json as it was; one reported as done is on disk (backups may fail)', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    // every backup name is taken by a non-empty folder: keeping backups fails, as on a full disk
    for (const name of ['db.json.bak', 'db.json.bak-1', 'db.json.bak-2', 'db.json.bak-3']) {
      mkdirSync(path.join(dir, name))
      writeFileSync(path.join(dir, name, 'keep'), 'x')
    }
    const outcome = await s
      .mutate((db) => {
        db.settings.lowBalanceThreshold = 77
      })
      .then(
        () => 'done',
        () => 'failed',
      )
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')).settings.lowBalanceThreshold
    expect({ outcome, onDisk }).toEqual({ outcome: 'done', onDisk: 77 })
  })

  it('two stores on one folder (as two processes) never overwrite each other’s writes', async () => {
    const dir = tempDir()
    const a = await Store.open(dir, createInitialDb)
    const b = await Store.open(dir, createInitialDb)
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).mutate((db) => {
          db.savedPrompts.push({ id: String(i), name: `p${i}`, prompt: 'x' })
        }),
      ),
    )
    const c = await Store.open(dir, createInitialDb)
    expect(c.data.savedPrompts.map((p) => p.id).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
  })

  it('refuses a db.json from a newer version and leaves it untouched', async () => {
    const dir = tempDir()
    const text = JSON.stringify({ schemaVersion: CURRENT_SCHEMA_VERSION + 1 })
    writeFileSync(path.join(dir, 'db.json'), text)
    await expect(Store.open(dir, createInitialDb)).rejects.toThrow(/newer MP4toText/)
    expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).toBe(text)
  })

  it('rolls back the in-memory copy when the write fails', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    const before = s.data.settings.lowBalanceThreshold
    // A directory where db.json should be makes rename() fail even for root, who ignores permission bits.
    const file = path.join(dir, 'db.json')
    rmSync(file)
    mkdirSync(file)
    writeFileSync(path.join(file, 'keep'), 'x')
    await expect(
      s.mutate((db) => {
        db.settings.lowBalanceThreshold = before + 1
      }),
    ).rejects.toThrow(/Could not save|can no longer be read/)
    expect(s.data.settings.lowBalanceThreshold).toBe(before)
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([])
  })

  it('refuses to save data that breaks the schema', async () => {
    const s = await Store.open(tempDir(), createInitialDb)
    await expect(
      s.mutate((db) => {
        db.settings.baseCredits = -1
      }),
    ).rejects.toThrow(/invalid data/)
    expect(s.data.settings.baseCredits).toBe(20)
  })
})

describe('migrations', () => {
  it('brings a version-0 document to the current schema and keeps its ledger', async () => {
    const dir = tempDir()
    const v0 = createInitialDb() as unknown as Record<string, unknown>
    delete v0.schemaVersion
    delete v0.catalog
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify(v0))
    const s = await Store.open(dir, createInitialDb)
    expect(s.notice).toBeNull()
    expect(s.data.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
    expect(s.data.credits.ledger).toHaveLength(1)
    expect(JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8')).schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
  })

  it('brings a version-1 document to the current schema step by step, nothing lost', () => {
    const now = createInitialDb()
    const { bundleBase: _b, ...catalogV1 } = now.catalog
    const { pricingHistory: _p, speedStats: _s, unavailableModels: _u, customModels: _c, savedPrompts: _sp, ...rest } = now
    const {
      baseUrls: _bu,
      enhanceConcurrency: _ec,
      modelsDir: _md,
      whisperModel: _wm,
      transcribeLanguage: _tl,
      threads: _th,
      transcribeConcurrency: _tc,
      modelBaseUrl: _mb,
      defaultEnhanceModel: _de,
      defaultPreset: _dp,
      vadEnabled: _ve,
      vadThreshold: _vt,
      vadPaddingSec: _vp,
      ...settingsV1
    } = now.settings
    const v1 = { ...rest, schemaVersion: 1, catalog: catalogV1, settings: settingsV1 }
    const migrated = migrate(v1 as unknown as Record<string, unknown>)
    expect(DbSchema.parse(migrated)).toEqual(now)
  })

  it('is a no-op on a current document', () => {
    const db = createInitialDb() as unknown as Record<string, unknown>
    expect(migrate(db)).toEqual(db)
  })
})

describe('schema 7: what the previous release wrote still opens', () => {
  it('migrates a version-6 db.json (written by the previous release) and keeps its settings and ledger', () => {
    const v6 = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/db-v6.json'), 'utf8'))
    expect(v6.schemaVersion).toBe(6)
    const db = DbSchema.parse(migrate(structuredClone(v6)))
    expect(db.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
    expect(db.settings).toMatchObject({ locale: 'tr', whisperModel: 'base' })
    expect(db.credits.ledger).toEqual(v6.credits.ledger)
    expect(checkLedger(db.credits)).toEqual({ balance: 1250, edited: 0 })
  })
})

describe('schema 6: owners and a hash-chained ledger', () => {
  it('migrates a version-5 document: the ledger is chained as it stands and the balance is kept', () => {
    const now = createInitialDb()
    const v5 = structuredClone(now) as unknown as Record<string, unknown>
    const credits = v5.credits as { ledger: Record<string, unknown>[]; reservations: Record<string, unknown>[] }
    delete v5.owners
    v5.schemaVersion = 5
    credits.ledger = [
      { id: 'a', at: '2025-01-01T00:00:00.000Z', type: 'grant', amount: 1000, balanceAfter: 1000, reason: 'Welcome credits' },
      { id: 'b', at: '2025-01-02T00:00:00.000Z', type: 'charge', amount: -4, balanceAfter: 996, reason: 'x', ref: 'r1' },
    ]
    credits.reservations = [
      { id: 'r', at: '2025-01-02T00:00:00.000Z', cost: 4, ref: 'r1', status: 'committed', chargeEntryId: 'b' },
    ]
    const db = DbSchema.parse(migrate(v5))
    expect(db.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
    expect(db.owners).toEqual({})
    expect(db.credits.reservations[0]!.owner).toBeNull()
    expect(checkLedger(db.credits)).toEqual({ balance: 996, edited: 0 })
  })

  it('tells when the ledger was edited by hand, and does not count the edited entry', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    const credits = new CreditsService(s)
    await credits.topUp(50, 'real')
    const file = path.join(dir, 'db.json')
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    doc.credits.ledger.at(-1).amount = 999999
    doc.credits.ledger.at(-1).balanceAfter = 1000999
    writeFileSync(file, JSON.stringify(doc))
    const reopened = new CreditsService(await Store.open(dir, createInitialDb))
    expect(reopened.state()).toMatchObject({ balance: 1000, editedEntries: 1 })
  })

  it('does not count an entry whose balanceAfter was changed by hand', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    const file = path.join(dir, 'db.json')
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    doc.credits.ledger.at(-1).balanceAfter = 999999
    writeFileSync(file, JSON.stringify(doc))
    expect(s.data.credits.ledger).toHaveLength(1)
    const reopened = new CreditsService(await Store.open(dir, createInitialDb))
    expect(reopened.state().balance).toBe(0)
    expect(reopened.state().editedEntries).toBe(1)
  })

  it('a hand-made entry cannot pass as old data by setting the schema version back', async () => {
    const dir = tempDir()
    await Store.open(dir, createInitialDb)
    const file = path.join(dir, 'db.json')
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    doc.credits.ledger.push({
      id: 'x1',
      at: '2026-11-28T06:50:00.000Z',
      type: 'top-up',
      amount: 999999,
      balanceAfter: 0,
      reason: 'gift',
    })
    doc.schemaVersion = 5
    writeFileSync(file, JSON.stringify(doc))
    const credits = new CreditsService(await Store.open(dir, createInitialDb))
    expect(credits.state()).toMatchObject({ balance: 1000, editedEntries: 1 })
  })

  it('editing or removing a charge by hand never gives its credits back', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    const credits = new CreditsService(s)
    const r = await credits.reserve(46, 'enh-1', 'Enhancement: cleanup with X')
    await credits.commit(r.id)
    const file = path.join(dir, 'db.json')
    const original = readFileSync(file, 'utf8')
    // (a) the last charge edited: its reason, or its amount made smaller
    for (const change of [
      (e: { reason: string; amount: number }) => (e.reason += '!'),
      (e: { amount: number }) => (e.amount = -1),
    ]) {
      const doc = JSON.parse(original)
      change(doc.credits.ledger.at(-1))
      writeFileSync(file, JSON.stringify(doc))
      const state = new CreditsService(await Store.open(dir, createInitialDb)).state()
      expect(state).toMatchObject({ balance: 954, editedEntries: 1 })
    }
    // (b) the last charge removed: the chain is still whole, but the reservation names it
    const doc = JSON.parse(original)
    doc.credits.ledger.pop()
    writeFileSync(file, JSON.stringify(doc))
    expect(new CreditsService(await Store.open(dir, createInitialDb)).state()).toMatchObject({ balance: 954, editedEntries: 1 })
  })
})
