// Search over the whole library through dispatch and the CLI: Turkish-aware, ranked, marked,
// following every change; a previous release's index, missing or damaged, is made anew.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { call } from '../../src/cli/cli-call'
import { DatabaseSync } from 'node:sqlite'
import { LibraryDb } from '../../src/core/store/library-db'
import { LibraryIndex } from '../../src/core/library/library-index'
import type { TranscriptMeta } from '../../src/shared/transcribe-types'
import { asPreviousRelease } from '../helpers/library-rows'
import { useTempDirs } from '../helpers/temp-dir'
import { saveTextTranscript } from '../helpers/transcript-meta'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const cores: Core[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

async function open(dataDir: string): Promise<Core> {
  const core = await openCore({ dataDir, shell: 'web', version: 'test', systemLocale: 'tr-TR' })
  cores.push(core)
  return core
}

const add = saveTextTranscript

const text = (parts: { text: string; hit: boolean }[]) => parts.map((p) => (p.hit ? `[${p.text}]` : p.text)).join('')

describe('library search', { timeout: 60_000 }, () => {
  it('finds words however they are cased or marked in Turkish, best match first, with the segment and its words marked', async () => {
    const core = await open(tempDir())
    const a = await add(core, 'Toplantı.2024.05.mp4', [
      'Günaydın.',
      'Bugün İstanbul’daki ofiste ıspanak yedik.',
      'Şişli şubesi kapandı.',
    ])
    const b = await add(core, 'ders-notları.m4a', ['İstanbul İstanbul İstanbul: tekrar.', 'Başka bir şey.'])
    await add(core, 'empty.wav', ['Hiçbir şey yok.'])

    const istanbul = await call(core, 'library.search', { query: 'istanbul' })
    expect(istanbul.map((r) => r.transcript.id)).toEqual([b, a]) // three times beats once
    const hit = istanbul[1]!.hits[0]!
    expect(hit).toMatchObject({ segmentId: 1, start: 3, kind: 'segment' })
    expect(text(hit.parts)).toBe('Bugün [İstanbul]’daki ofiste ıspanak yedik.')

    // dotless ı, ş, and several words at once (every word must be there)
    expect((await call(core, 'library.search', { query: 'ISPANAK' })).map((r) => r.transcript.id)).toEqual([a])
    expect((await call(core, 'library.search', { query: 'sisli kapandi' })).map((r) => r.transcript.id)).toEqual([a])
    expect(await call(core, 'library.search', { query: 'istanbul kapandı' })).toEqual([])
    // a word start finds the word; the file name is searched too
    expect((await call(core, 'library.search', { query: 'topla' }))[0]).toMatchObject({ transcript: { id: a } })
    expect((await call(core, 'library.search', { query: 'notlari' }))[0]!.hits[0]).toMatchObject({ kind: 'name', segmentId: -1 })
    // FTS syntax in the query is just text
    expect(await call(core, 'library.search', { query: '"ofiste" (yedik*' })).toHaveLength(1)
    // the History list filters through the same index
    expect((await call(core, 'transcripts.list', { query: 'şişli' })).items.map((t) => t.id)).toEqual([a])
  })

  it('follows edits, speaker names and deletion', async () => {
    const core = await open(tempDir())
    const id = await add(core, 'a.mp4', ['eski kelime burada.', 'ikinci.'])
    await call(core, 'transcripts.updateSegment', { id, segmentId: 0, text: 'yepyeni cümle.' })
    expect(await call(core, 'library.search', { query: 'eski' })).toEqual([])
    expect(await call(core, 'library.search', { query: 'yepyeni' })).toHaveLength(1)
    await core.transcripts.updateSpeakers(id, (segments) => ({
      segments: segments.map((s) => ({ ...s, speaker: 'S1' })),
      names: { S1: 'Ayşe Yılmaz' },
    }))
    expect((await call(core, 'library.search', { query: 'ayse yilmaz' }))[0]!.hits[0]).toMatchObject({ kind: 'speaker' })
    await call(core, 'transcripts.delete', { id })
    expect(await call(core, 'library.search', { query: 'yepyeni' })).toEqual([])
  })

  it('indexes a library saved before the index existed, and rebuilds a damaged index from the transcripts', async () => {
    const dir = tempDir()
    const first = await open(dir)
    const id = await add(first, 'eski.mp4', ['Kadıköy iskelesinde buluştuk.'])
    await first.close()
    cores.splice(0)
    // as a previous release left it: no index at all
    asPreviousRelease(dir)
    const second = await open(dir)
    expect((await call(second, 'library.search', { query: 'kadikoy' })).map((r) => r.transcript.id)).toEqual([id])
    await second.close()
    cores.splice(0)

    // the previous release's index (its only content then) damaged: not a database at all
    asPreviousRelease(dir)
    writeFileSync(path.join(dir, 'library.db'), 'this is not a database, just some bytes '.repeat(200))
    const third = await open(dir)
    expect((await call(third, 'library.search', { query: 'iskele' })).map((r) => r.transcript.id)).toEqual([id])
    expect(readdirSync(dir).some((f) => f.startsWith('library.db.corrupt-'))).toBe(true)
    expect(existsSync(path.join(dir, 'transcripts', `${id}.json`))).toBe(true)
  })

  it('CLI: `mp4totext search` finds what another process saved, as text and as JSON', async () => {
    const dir = tempDir()
    const core = await open(dir)
    const id = await add(core, 'röportaj.mp4', ['Çağrı merkezi aradı.', 'Sonra Ümraniye’ye gittik.'])
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [path.join(root, 'bin/mp4totext.mjs'), ...args, '--data-dir', dir], { encoding: 'utf8' })
    const plain = cli(['search', 'umraniye'])
    expect(plain.status, plain.stderr).toBe(0)
    expect(plain.stdout).toContain('röportaj.mp4')
    expect(plain.stdout).toContain('00:00:03  Sonra [Ümraniye]’ye gittik.')
    expect(plain.stderr).toBe('')
    const json = JSON.parse(cli(['search', 'cagri', '--json']).stdout) as { transcript: { id: string } }[]
    expect(json.map((r) => r.transcript.id)).toEqual([id])
    expect(cli(['search', 'yokboyle']).stdout).toContain('Nothing found')
    expect(cli(['search']).status).toBe(2)
  })
  it('a library.db from before the index per transcript (schema 2) is brought up to date and finds the same', async () => {
    const dir = tempDir()
    const first = await open(dir)
    const id = await add(first, 'Ders.mp4', ['Üsküdar vapuru geç kaldı.', 'Başka konu.'])
    await first.close()
    cores.splice(0)
    // as the previous version left the file: no per-transcript index, schema 2
    const raw = new DatabaseSync(path.join(dir, 'library.db'))
    raw.exec('DROP TABLE transcript_docs; UPDATE schema_version SET version = 2')
    raw.close()
    const second = await open(dir)
    const found = await call(second, 'library.search', { query: 'uskudar vapur' })
    expect(found.map((r) => r.transcript.id)).toEqual([id])
    expect(text(found[0]!.hits[0]!.parts)).toBe('[Üsküdar] [vapur]u geç kaldı.')
  })

  it('words that many transcripts hold, but only one says together, still find that one', () => {
    const dir = tempDir()
    const lib = LibraryDb.open(dir)
    try {
      const index = new LibraryIndex(lib)
      const meta = (i: number): TranscriptMeta => ({
        id: `t-${i}`,
        jobId: `j-${i}`,
        fileName: `f-${i}.wav`,
        mediaPath: `/m/f-${i}.wav`,
        hasVideo: false,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        durationSec: 4,
        language: 'tr',
        model: 'base',
        segmentCount: 2,
        preview: '',
      })
      // 2,500 short transcripts with both words, in different segments: they rank first
      index.putAll(
        Array.from({ length: 2_500 }, (_, i) => ({
          meta: meta(i),
          segments: [
            { id: 0, start: 0, end: 1, text: 'kırmızı' },
            { id: 1, start: 1, end: 2, text: 'elma' },
          ],
          revision: 0,
        })),
      )
      // one long transcript that says them together, ranked last
      const filler = Array.from({ length: 200 }, (_, k) => ({ id: k + 1, start: k + 1, end: k + 2, text: `dolgu cümlesi ${k}.` }))
      index.put(meta(9_999), [{ id: 0, start: 0, end: 1, text: 'Bir kırmızı elma.' }, ...filler], 0)
      const found = index.search('kırmızı elma')
      expect(found.map((r) => r.transcriptId)).toEqual(['t-9999'])
      expect(found[0]!.hits.map((h) => h.segmentId)).toEqual([0])
    } finally {
      lib.close()
    }
  })
})
