// The enhancement history grows with every run, like the transcripts: the Enhance page shows the
// newest runs and a transcript its own versions, and neither reads every run ever made to do it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { Records } from '../../src/core/store/library-db'
import { dispatch } from '../../src/shared/dispatch'
import type { EnhancementRecord } from '../../src/shared/enhance-types'
import { useTempDirs } from '../helpers/temp-dir'
import { newTranscriptMeta } from '../helpers/transcript-meta'

const tempDir = useTempDirs()

const run = (i: number, transcriptId: string | null): EnhancementRecord => ({
  id: `e-${i}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  status: i % 3 === 0 ? 'failed' : 'done',
  provider: 'groq',
  modelId: 'llama-3.1-8b-instant',
  displayName: 'Llama 3.1 8B',
  preset: 'cleanup',
  credits: 10,
  inputChars: 100,
  preview: `çıktı ${i}`,
  stats: null,
  error: null,
  compareId: null,
  transcriptId,
})

describe('the enhancement history', () => {
  afterEach(() => vi.restoreAllMocks())

  it('answers the newest runs and a transcript’s versions without reading every run', async () => {
    const core = await openCore({ dataDir: tempDir(), shell: 'web', version: 't', systemLocale: 'tr' })
    try {
      const { id } = await core.transcripts.save(newTranscriptMeta('toplantı.v2.mp4'), [
        { id: 0, start: 0, end: 2, text: 'merhaba' },
      ])
      core.library.transaction(() => {
        for (let i = 1; i <= 300; i++) core.library.enhancements.put(run(i, i % 10 === 0 ? id : null))
      })
      const all = vi.spyOn(Records.prototype, 'all')
      const history = (await dispatch(core.handlers, 'enhance.history', { limit: 20 })) as {
        ok: boolean
        value: EnhancementRecord[]
      }
      expect(history.ok).toBe(true)
      expect(history.value.map((e) => e.id)).toEqual(Array.from({ length: 20 }, (_, k) => `e-${300 - k}`))
      const versions = (await dispatch(core.handlers, 'transcripts.versions', { id })) as {
        ok: boolean
        value: { kind: string; id?: string }[]
      }
      expect(versions.ok).toBe(true)
      // the original, then this transcript's done runs, oldest first (every 10th; every 3rd failed)
      const mine = Array.from({ length: 30 }, (_, k) => 10 * (k + 1)).filter((i) => i % 3 !== 0)
      expect(versions.value.map((v) => v.id ?? v.kind)).toEqual(['original', ...mine.map((i) => `e-${i}`)])
      expect(all).not.toHaveBeenCalled()
      // bounded, like the History: no caller asks for every run at once
      expect(((await dispatch(core.handlers, 'enhance.history', { limit: 100_000 })) as { ok: boolean }).ok).toBe(false)
    } finally {
      await core.close()
    }
  })
})
