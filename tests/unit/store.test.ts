import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createInitialDb } from '../../src/core/initial-db'
import { CURRENT_SCHEMA_VERSION, DbSchema } from '../../src/core/store/db-schema'
import { migrate } from '../../src/core/store/migrations'
import { Store } from '../../src/core/store/store'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

describe('store', () => {
  it('creates db.json and its backup on first run', async () => {
    const dir = tempDir()
    const store = await Store.open(dir, createInitialDb)
    expect(store.notice).toBeNull()
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8'))
    expect(onDisk.schemaVersion).toBe(CURRENT_SCHEMA_VERSION)
    expect(onDisk.catalog.models).toHaveLength(42)
    expect(readFileSync(path.join(dir, 'db.json.bak'), 'utf8')).toBe(readFileSync(path.join(dir, 'db.json'), 'utf8'))
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

  it('serializes concurrent mutations in order', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.mutate((db) => {
          db.settings.lowBalanceThreshold = i
        }),
      ),
    )
    const again = await Store.open(dir, createInitialDb)
    expect(again.data.settings.lowBalanceThreshold).toBe(19)
  })

  it('keeps a corrupt db.json aside and restores the last good backup', async () => {
    const dir = tempDir()
    const s = await Store.open(dir, createInitialDb)
    await s.mutate((db) => {
      db.settings.lowBalanceThreshold = 42
    })
    writeFileSync(path.join(dir, 'db.json'), '{"schemaVersion": 1, "settings": ')
    const reopened = await Store.open(dir, createInitialDb)
    expect(reopened.notice?.kind).toBe('restored-from-backup')
    expect(reopened.data.settings.lowBalanceThreshold).toBe(42)
    const corrupt = readdirSync(dir).filter((f) => f.startsWith('db.json.corrupt-'))
    expect(corrupt).toHaveLength(1)
    expect(readFileSync(path.join(dir, corrupt[0]!), 'utf8')).toBe('{"schemaVersion": 1, "settings": ')
  })

  it('treats valid JSON with an invalid shape as corrupt too, and resets when no backup is usable', async () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ schemaVersion: 1, settings: { baseCredits: 'twenty' } }))
    const s = await Store.open(dir, createInitialDb)
    expect(s.notice?.kind).toBe('reset')
    expect(existsSync(s.notice!.corruptCopy)).toBe(true)
    expect(s.data.settings.baseCredits).toBe(20)
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
    ).rejects.toThrow(/Could not save/)
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
    const {
      pricingHistory: _p,
      enhancements: _e,
      speedStats: _s,
      unavailableModels: _u,
      customModels: _c,
      savedPrompts: _sp,
      jobs: _j,
      transcripts: _t,
      ...rest
    } = now
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
