// The library search finds a transcript by its enhanced versions too: a done run's text is
// indexed under its transcript (kind 'enhanced', with its run), ranked with the rest, kept
// through edits, gone with the transcript, and caught up at start-up when a run finished without
// being indexed (another process, an earlier release, or recovery marking a killed run done).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { call } from '../../src/cli/cli-call'
import { openCore, type Core } from '../../src/core/app-core'
import { piecesOf } from '../../src/core/library/library-index'
import { LibraryDb } from '../../src/core/store/library-db'
import type { EnhancementRecord } from '../../src/shared/enhance-types'
import { envFor, TEST_KEY } from '../helpers/enhance-env'
import { readLibrary } from '../helpers/library-rows'
import { useFakeLlmServer } from '../helpers/use-fake-llm-server'
import { useTempDirs } from '../helpers/temp-dir'
import { saveTextTranscript } from '../helpers/transcript-meta'
import { until } from '../helpers/until'

const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const llm = useFakeLlmServer({ apiKey: TEST_KEY })
const cores: Core[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

async function open(dataDir: string): Promise<Core> {
  const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'tr-TR', env: envFor(llm()) })
  cores.push(core)
  return core
}

const add = saveTextTranscript

/** Enhance a transcript's text (the fake model writes it in capitals) and return the run's id. */
async function enhance(core: Core, transcriptId: string, text: string): Promise<string> {
  const r = await core.enhance.run({ text, provider: 'groq', modelId: 'llama-3.1-8b-instant', preset: 'cleanup', transcriptId })
  return r.id
}

const marked = (parts: { text: string; hit: boolean }[]) => parts.map((p) => (p.hit ? `[${p.text}]` : p.text)).join('')

describe('search over enhanced texts', { timeout: 60_000 }, () => {
  it('finds a transcript by its enhanced version, marked, with the run; ranked with the rest; kept through an edit; gone with the transcript', async () => {
    const core = await open(tempDir())
    const a = await add(core, 'toplantı.mp4', ['bugün toplantı var.', 'herkes gelsin.'])
    const b = await add(core, 'ders.mp4', ['ispanak ispanak ispanak yemeği.'])
    const run = await enhance(core, a, 'ıspanak yemeği pişirdik.')
    // the same word in b's segments three times and once in a's enhanced text: both found, b first
    const found = await call(core, 'library.search', { query: 'ispanak', limit: 50 })
    expect(found.map((r) => r.transcript.id)).toEqual([b, a])
    const [hit] = found[1]!.hits
    expect(hit).toMatchObject({
      kind: 'enhanced',
      start: null,
      enhancement: { id: run, preset: 'cleanup', model: expect.stringContaining('Llama') },
    })
    expect(marked(hit!.parts)).toBe('[ISPANAK] YEMEĞI PIŞIRDIK.')
    // every word must be in one piece; words only the run says find only it
    expect((await call(core, 'library.search', { query: 'pişirdik yemeği', limit: 50 })).map((r) => r.transcript.id)).toEqual([a])

    // an edit re-indexes the transcript: its run is still found under it, once
    const seg = (await core.transcripts.get(a)).segments[0]!
    await core.transcripts.updateSegment(a, seg.id, 'yarın toplantı var.', { revision: 0, previousText: seg.text })
    const afterEdit = await call(core, 'library.search', { query: 'pişirdik', limit: 50 })
    expect(afterEdit.map((r) => [r.transcript.id, r.hits.map((h) => h.kind)])).toEqual([[a, ['enhanced']]])
    expect((await call(core, 'library.search', { query: 'yarın', limit: 50 })).map((r) => r.transcript.id)).toEqual([a])

    // deleting the transcript takes its runs' pieces out of the index
    await call(core, 'transcripts.delete', { id: a })
    expect(await call(core, 'library.search', { query: 'pişirdik', limit: 50 })).toEqual([])
    const lib = LibraryDb.open(core.dataDirPath)
    try {
      const count = (sql: string) => (lib.db.prepare(sql).get() as { n: number }).n
      expect(count("SELECT count(*) AS n FROM entries WHERE kind = 'enhanced'")).toBe(0)
      expect(count('SELECT count(*) AS n FROM enhanced_entries')).toBe(0)
      expect(count('SELECT count(*) AS n FROM indexed_enhancements')).toBe(0)
    } finally {
      lib.close()
    }
  })

  it('a failed run is not searched; the CLI shows an enhanced hit with its model, as text and as JSON', async () => {
    const dir = tempDir()
    const core = await open(dir)
    const a = await add(core, 'kayıt.mp4', ['merhaba.'])
    llm().fail({ model: 'llama-3.1-8b-instant', status: 400, body: { error: { message: 'refused by the test' } } })
    await expect(enhance(core, a, 'başarısız çeviri.')).rejects.toThrow()
    expect(await call(core, 'library.search', { query: 'başarısız', limit: 50 })).toEqual([])
    await enhance(core, a, 'zeytinyağlı enginar.')
    await core.close()
    cores.splice(0)

    const cli = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(root, 'bin/mp4totext.mjs'), 'search', ...args, '--data-dir', dir])
        let out = ''
        let err = ''
        child.stdout.on('data', (c: Buffer) => (out += c))
        child.stderr.on('data', (c: Buffer) => (err += c))
        child.on('close', (code) => resolve({ code, out, err }))
      })
    const text = await cli(['enginar'])
    expect(text.code, text.err).toBe(0)
    expect(text.out).toMatch(/^kayıt\.mp4 {2}\(.+\)\n {2}Enhanced · .*Llama.* {2}ZEYTINYAĞLI \[ENGINAR\]\.\n$/u)
    const json = await cli(['enginar', '--json'])
    expect(json.code, json.err).toBe(0)
    expect(JSON.parse(json.out)).toMatchObject([
      { transcript: { id: a }, hits: [{ kind: 'enhanced', enhancement: { preset: 'cleanup' } }] },
    ])
  })

  it('start-up indexes done runs the index lacks (saved by a process that did not index them) and drops those gone', async () => {
    const dir = tempDir()
    const core = await open(dir)
    const a = await add(core, 'eski.mp4', ['eski bir kayıt.'])
    await core.close()
    cores.splice(0)
    // a run done and saved as an earlier release or another process left it: record and text, no index
    const lib = LibraryDb.open(dir)
    const record: EnhancementRecord = {
      id: 'old-run',
      at: new Date().toISOString(),
      status: 'done',
      provider: 'groq',
      modelId: 'llama-3.1-8b-instant',
      displayName: 'Llama 3.1 8B',
      preset: 'summary',
      credits: 4,
      inputChars: 10,
      preview: 'KAPADOKYA',
      stats: null,
      error: null,
      compareId: null,
      transcriptId: a,
    }
    lib.transaction(() => {
      lib.enhancements.put(record)
      lib.enhancementTexts.put(record.id, { input: 'x', output: 'Kapadokya gezisi.', partial: false })
    })
    lib.close()

    const next = await open(dir)
    const found = await call(next, 'library.search', { query: 'kapadokya', limit: 50 })
    expect(found).toMatchObject([
      {
        transcript: { id: a },
        hits: [{ kind: 'enhanced', enhancement: { id: 'old-run', preset: 'summary', model: 'Llama 3.1 8B' } }],
      },
    ])
    await next.close()
    cores.splice(0)

    // the run is gone (its record no longer done): the next start drops its pieces
    const again = LibraryDb.open(dir)
    again.transaction(() => again.enhancements.put({ ...record, status: 'failed' }))
    again.close()
    const third = await open(dir)
    expect(await call(third, 'library.search', { query: 'kapadokya', limit: 50 })).toEqual([])
  })

  it('a run killed after its charge was committed is marked done by recovery and searchable at that same start', async () => {
    const dir = tempDir()
    const core = await open(dir)
    const a = await add(core, 'kesik.mp4', ['kısa bir kayıt.'])
    await core.close()
    cores.splice(0)
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'tests/helpers/enhance-child.ts'), dir, 'after-commit', a],
      {
        cwd: root,
        env: { ...process.env, ...envFor(llm()) },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    )
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c))
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
    try {
      await until('the child to stop after the commit', () => out.includes('stopped after-commit'))
    } finally {
      child.kill('SIGKILL')
      await closed
    }
    expect(readLibrary(dir).enhancements).toMatchObject([{ status: 'running', transcriptId: a }])

    const next = await open(dir)
    expect(next.enhance.history()).toMatchObject([{ status: 'done' }])
    const found = await call(next, 'library.search', { query: 'toplantı', limit: 50 })
    expect(found).toMatchObject([{ transcript: { id: a }, hits: [{ kind: 'enhanced' }] }])
  })
})

describe('an enhanced text in pieces', () => {
  it('keeps lines apart and cuts a long line after a sentence, losing no word', () => {
    const sentence = 'Bu cümle tam olarak kırk karakter uzunluğunda. '
    const long = sentence.repeat(20).trim()
    const pieces = piecesOf(`Başlık\n\n${long}\nSon satır.`)
    expect(pieces[0]).toBe('Başlık')
    expect(pieces.at(-1)).toBe('Son satır.')
    const middle = pieces.slice(1, -1)
    expect(middle.length).toBeGreaterThan(1)
    for (const p of middle) {
      expect(p.length).toBeLessThanOrEqual(450)
      expect(p).toMatch(/\.$/)
    }
    expect(middle.join(' ')).toBe(long)
    // one endless "sentence" is still cut, after a word
    const words = Array.from({ length: 200 }, (_, i) => `kelime${i}`).join(' ')
    const cut = piecesOf(words)
    expect(cut.length).toBeGreaterThan(1)
    expect(cut.join(' ')).toBe(words)
  })

  it('cuts text written without spaces (Japanese, Chinese) too, so a hit shows a snippet, not the whole text', () => {
    const line = '今日は天気がいいので公園に行きました'.repeat(100)
    const pieces = piecesOf(line)
    expect(pieces.length).toBeGreaterThan(1)
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(450)
    expect(pieces.join('')).toBe(line)
  })
})
