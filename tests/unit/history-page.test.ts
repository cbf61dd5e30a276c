// The History list is a page: at 10,000 past files the whole list (every row parsed, sent over
// IPC and rendered, again on every job event) costs seconds. The core answers one page, newest
// first, with the total, and reads no whole table to do it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { Records } from '../../src/core/store/library-db'
import { dispatch } from '../../src/shared/dispatch'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const meta = (i: number) => ({
  jobId: `j-${i}`,
  fileName: `kayıt.${i}.v2.mp4`,
  mediaPath: `/media/kayıt.${i}.v2.mp4`,
  hasVideo: false,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  durationSec: 2,
  language: 'tr',
  model: 'base',
})

type Page = { items: { fileName: string }[]; total: number }

describe('the History list', () => {
  afterEach(() => vi.restoreAllMocks())

  it('is answered a page at a time, newest first, with the total, and reads no whole table', async () => {
    const core = await openCore({ dataDir: tempDir(), shell: 'web', version: 't', systemLocale: 'tr' })
    try {
      for (let i = 1; i <= 120; i++)
        await core.transcripts.save(meta(i), [{ id: 0, start: 0, end: 2, text: i % 2 ? 'tek sayı' : 'çift sayı' }])
      const all = vi.spyOn(Records.prototype, 'all')
      const list = async (input: object) => {
        const env = (await dispatch(core.handlers, 'transcripts.list', input)) as { ok: boolean; value: Page }
        expect(env.ok).toBe(true)
        return env.value
      }
      const first = await list({ limit: 50 })
      expect(first.total).toBe(120)
      expect(first.items).toHaveLength(50)
      expect(first.items[0]!.fileName).toBe('kayıt.120.v2.mp4')
      expect(first.items[49]!.fileName).toBe('kayıt.71.v2.mp4')
      const second = await list({ limit: 50, offset: 50 })
      expect(second.items.map((m) => m.fileName).at(0)).toBe('kayıt.70.v2.mp4')
      const last = await list({ limit: 50, offset: 100 })
      expect(last).toMatchObject({ total: 120 })
      expect(last.items.map((m) => m.fileName).at(-1)).toBe('kayıt.1.v2.mp4')
      expect(last.items).toHaveLength(20)
      // a query pages over its matches, newest first as well
      const odd = await list({ query: 'tek', limit: 10 })
      expect(odd.total).toBe(60)
      expect(odd.items.map((m) => m.fileName)).toEqual(Array.from({ length: 10 }, (_, k) => `kayıt.${119 - 2 * k}.v2.mp4`))
      expect(all).not.toHaveBeenCalled()
      // a page is bounded: no caller asks for the whole table at once
      const tooMany = (await dispatch(core.handlers, 'transcripts.list', { limit: 100_000 })) as { ok: boolean }
      expect(tooMany.ok).toBe(false)
    } finally {
      await core.close()
    }
  })
})
