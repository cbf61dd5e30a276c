// Every acknowledged change to a transcript is kept, however saves overlap: in one process
// (two tabs of the web host, an edit while a speaker merge saves) and across processes (the app
// and a CLI run on one data folder). Real files, real separate processes.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { call } from '../../src/cli/cli-call'
import type { Segment } from '../../src/shared/transcribe-types'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const cores: Core[] = []
const children = new Set<ChildProcess>()
afterEach(async () => {
  for (const c of children) c.kill('SIGKILL')
  children.clear()
  for (const c of cores.splice(0)) await c.close()
})

async function withTranscript(segmentCount: number): Promise<{ core: Core; dataDir: string; id: string }> {
  const dataDir = tempDir()
  const core = await openCore({ dataDir, shell: 'web', version: 'test', systemLocale: 'en-US' })
  cores.push(core)
  const segments: Segment[] = Array.from({ length: segmentCount }, (_, i) => ({
    id: i,
    start: i * 2,
    end: i * 2 + 1.5,
    text: `original ${i}`,
  }))
  const meta = await core.transcripts.save(
    {
      jobId: 'job',
      fileName: 'toplantı.v2.mp4',
      mediaPath: path.join(dataDir, 'toplantı.v2.mp4'),
      hasVideo: true,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      durationSec: segmentCount * 2,
      language: 'tr',
      model: 'base',
    },
    segments,
  )
  return { core, dataDir, id: meta.id }
}

function editor(dataDir: string, id: string, first: number, count: number): { done: Promise<string> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'tests/helpers/edit-child.ts'), dataDir, id, String(first), String(count)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.add(child)
  let out = ''
  child.stdout!.on('data', (c: Buffer) => (out += c))
  child.stderr!.on('data', (c: Buffer) => (out += c))
  return {
    done: new Promise((resolve, reject) =>
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`editor exited ${code}: ${out}`)))),
    ),
  }
}

describe('transcript edits that overlap', { timeout: 120_000 }, () => {
  it('keeps all of twenty edits saved at once in one process', async () => {
    const { core, id } = await withTranscript(40)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(core, 'transcripts.updateSegment', { id, segmentId: i, text: `edit ${i}` })),
    )
    const { segments } = await call(core, 'transcripts.get', { id })
    expect(segments.slice(0, 20).map((s) => s.text)).toEqual(Array.from({ length: 20 }, (_, i) => `edit ${i}`))
    expect(segments.slice(20).map((s) => s.text)).toEqual(Array.from({ length: 20 }, (_, i) => `original ${i + 20}`))
  })

  it('keeps every edit of two other processes and this one, saving the same transcript at once', async () => {
    const { core, dataDir, id } = await withTranscript(2_000)
    const a = editor(dataDir, id, 0, 15)
    const b = editor(dataDir, id, 100, 15)
    const mine = Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        call(core, 'transcripts.updateSegment', { id, segmentId: 200 + i, text: `here ${i}` }),
      ),
    )
    const [outA, outB] = await Promise.all([a.done, b.done, mine])
    expect(outA.match(/^ack /gm)).toHaveLength(15)
    expect(outB.match(/^ack /gm)).toHaveLength(15)
    const { segments } = await call(core, 'transcripts.get', { id })
    for (const s of [...Array(15).keys()]) {
      expect(segments[s]!.text).toMatch(new RegExp(`^edited ${s} by \\d+$`))
      expect(segments[100 + s]!.text).toMatch(new RegExp(`^edited ${100 + s} by \\d+$`))
      expect(segments[200 + s]!.text).toBe(`here ${s}`)
    }
    expect(segments[300]!.text).toBe('original 300')
  })

  it('keeps an edit made while a speaker rename saves, and the rename too', async () => {
    const { core, id } = await withTranscript(3_000)
    // give the transcript speakers, as detection would
    await core.transcripts.updateSpeakers(id, (segments) => ({
      segments: segments.map((s) => ({ ...s, speaker: s.id % 2 ? 'S2' : 'S1' })),
      names: { S1: 'Konuşmacı 1', S2: 'Konuşmacı 2' },
    }))
    await Promise.all([
      call(core, 'speakers.rename', { id, speaker: 'S1', name: 'Ayşe' }),
      call(core, 'transcripts.updateSegment', { id, segmentId: 7, text: 'edited while renaming' }),
      call(core, 'speakers.assign', { id, segmentId: 9, speaker: 'S1' }),
    ])
    const { meta, segments } = await call(core, 'transcripts.get', { id })
    expect(meta.speakers?.S1).toBe('Ayşe')
    expect(segments[7]!.text).toBe('edited while renaming')
    expect(segments[9]!.speaker).toBe('S1')
  })

  it('merges a save made on an older revision that touches another segment, and refuses one that would overwrite a newer edit', async () => {
    const { core, id } = await withTranscript(10)
    const opened = await call(core, 'transcripts.get', { id })
    const seen = opened.meta.revision!
    // another tab saves segment 3
    await call(core, 'transcripts.updateSegment', {
      id,
      segmentId: 3,
      text: 'from the other tab',
      revision: seen,
      previousText: 'original 3',
    })
    // this tab, still on the old revision, saves segment 4: merged
    const merged = await call(core, 'transcripts.updateSegment', {
      id,
      segmentId: 4,
      text: 'from this tab',
      revision: seen,
      previousText: 'original 4',
    })
    expect(merged.revision).toBe(seen + 2)
    // and segment 3, which it last saw as "original 3": refused, saying what is there now
    const refused = await call(core, 'transcripts.updateSegment', {
      id,
      segmentId: 3,
      text: 'would overwrite',
      revision: seen,
      previousText: 'original 3',
    }).catch((e: unknown) => e as { code: string; message: string })
    expect(refused).toMatchObject({ code: 'conflict' })
    expect((refused as { message: string }).message).toContain('from the other tab')
    const { segments, meta } = await call(core, 'transcripts.get', { id })
    expect(segments[3]!.text).toBe('from the other tab')
    expect(segments[4]!.text).toBe('from this tab')
    expect(meta.revision).toBe(seen + 2)
  })
})

describe('an edit is one change of the segments, the entry and the search index', () => {
  it('leaves all three agreeing after an edit', async () => {
    const { core, id } = await withTranscript(3)
    const before = await call(core, 'transcripts.get', { id })
    const meta = await call(core, 'transcripts.updateSegment', { id, segmentId: 0, text: 'Üsküdar vapuru geç kaldı' })
    const { segments, meta: read } = await call(core, 'transcripts.get', { id })
    expect(segments[0]!.text).toBe('Üsküdar vapuru geç kaldı')
    const entry = core.library.transcripts.get(id)!
    expect(entry).toMatchObject({
      revision: before.meta.revision! + 1,
      segmentCount: 3,
      preview: 'Üsküdar vapuru geç kaldı original 1 original 2',
    })
    expect(read.revision).toBe(entry.revision)
    expect(meta.revision).toBe(entry.revision)
    expect((await call(core, 'library.search', { query: 'uskudar' })).map((r) => r.transcript.id)).toEqual([id])
    expect(await call(core, 'library.search', { query: 'original 0' })).toEqual([])
  })

  it('changes none of them when the search index cannot be written (the edit is refused, nothing is half saved)', async () => {
    const { core, dataDir, id } = await withTranscript(3)
    const before = await call(core, 'transcripts.get', { id })
    // another connection makes every write to the search rows fail, as a full disk would
    const { DatabaseSync } = await import('node:sqlite')
    const raw = new DatabaseSync(path.join(dataDir, 'library.db'))
    raw.exec(`CREATE TRIGGER no_index BEFORE INSERT ON entries BEGIN SELECT RAISE(ABORT, 'disk is full'); END`)
    raw.close()
    await expect(call(core, 'transcripts.updateSegment', { id, segmentId: 1, text: 'lost or not' })).rejects.toMatchObject({
      code: 'store-failed',
    })
    const after = await call(core, 'transcripts.get', { id })
    expect(after).toEqual(before)
    expect(core.library.transcripts.get(id)).toEqual(before.meta)
    expect(await call(core, 'library.search', { query: 'lost' })).toEqual([])
    expect((await call(core, 'library.search', { query: 'original 1' })).map((r) => r.transcript.id)).toEqual([id])
  })
})
