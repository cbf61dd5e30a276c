import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeMedia } from '../helpers/media'
import { pyCsv, pyDocx, pyMarkdown, pySrt } from '../helpers/subtitle-readers'
import { useTempDirs } from '../helpers/temp-dir'
import { installMiniModel } from '../helpers/transcribe-env'

const tempDir = useTempDirs()
const bin = path.resolve(import.meta.dirname, '../../bin/mp4totext.mjs')

describe('mp4totext transcribe --format with several formats', () => {
  it('writes one file per format, each read back by a reader that is not ours', async () => {
    const dir = tempDir()
    const model = await installMiniModel(dir)
    const file = makeMedia(dir, 'ders kaydı.wav', { seconds: 4, noise: true })
    const out = path.join(dir, 'out')
    const r = spawnSync(
      process.execPath,
      [bin, 'transcribe', file, '--model', model, '--format', 'md,csv,srt,txt-timestamps', '--out', out, '--data-dir', dir],
      { encoding: 'utf8' },
    )
    expect(r.status, r.stderr).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['ders kaydı.csv', 'ders kaydı.md', 'ders kaydı.srt', 'ders kaydı.timestamps.txt'])
    const rows = pyCsv(readFileSync(path.join(out, 'ders kaydı.csv'), 'utf8').replace(/^\uFEFF/, ''))
    expect(rows[0]).toEqual(['start', 'end', 'speaker', 'text'])
    for (const row of rows.slice(1)) expect(row[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/)
    expect(pyMarkdown(readFileSync(path.join(out, 'ders kaydı.md'), 'utf8')).html).toContain('<h1>ders kaydı.wav</h1>')
    const cues = pySrt(readFileSync(path.join(out, 'ders kaydı.srt'), 'utf8'))
    for (const c of cues) expect(c.end).toBeGreaterThan(c.start)
    // one format, one --out FILE as before; several formats need a folder
    const bad = spawnSync(
      process.execPath,
      [bin, 'transcribe', file, '--model', model, '--format', 'md,nope', '--data-dir', dir],
      { encoding: 'utf8' },
    )
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('nope')
  })
})

describe('mp4totext transcribe --format docx', () => {
  it('writes a Word document that unzips to the file’s name as a heading and a paragraph per segment', async () => {
    const dir = tempDir()
    const model = await installMiniModel(dir)
    const file = makeMedia(dir, 'görüşme.wav', { seconds: 4, noise: true })
    const r = spawnSync(process.execPath, [bin, 'transcribe', file, '--model', model, '--format', 'docx', '--data-dir', dir], {
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(0)
    const out = path.join(dir, 'görüşme.docx')
    expect(readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK')
    const paragraphs = pyDocx(out)
    expect(paragraphs[0]).toMatchObject({ text: 'görüşme.wav', style: 'Heading1' })
    // times are shown by default: every other paragraph opens with one
    for (const p of paragraphs.slice(1)) expect(p.text).toMatch(/^\[\d\d:\d\d\] /)
  })
})
