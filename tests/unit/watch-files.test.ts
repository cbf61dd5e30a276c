import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { identityKey, identityOf } from '../../src/core/watch/file-identity'
import { scanFolder } from '../../src/core/watch/folder-scan'
import { isMediaName } from '../../src/core/watch/media-filter'
import { outputDirFor, planOutputs } from '../../src/core/watch/output-files'
import { WriteFinishGate } from '../../src/core/watch/write-finish'
import { useTempDirs } from '../helpers/temp-dir'
import { until } from '../helpers/until'

const tempDir = useTempDirs()

describe('watch folders: files', () => {
  it('takes media by extension only; hidden names (partial downloads, temp outputs) are left alone', () => {
    expect(['a.MP4', 'b.mkv', 'c.opus', 'Toplantı 2025.11.03.m4a'].every(isMediaName)).toBe(true)
    expect(['notes.txt', 'a.mp4.part', '.a.mp4', '.a.txt.mp4totext-tmp', 'video'].some(isMediaName)).toBe(false)
  })

  it('names outputs from the media name without its last extension, never over an existing file', () => {
    const existing = new Set(['/o/Toplantı 2025.11.03.txt', '/o/Toplantı 2025.11.03 (2).txt'])
    const names = planOutputs(
      '/in/Toplantı 2025.11.03.mp4',
      '/o',
      ['txt', 'srt', 'txt-timestamps'],
      new Set(['/o/Toplantı 2025.11.03.srt']),
      (p) => existing.has(p),
    )
    expect(names).toEqual([
      '/o/Toplantı 2025.11.03 (3).txt',
      '/o/Toplantı 2025.11.03 (2).srt',
      '/o/Toplantı 2025.11.03.timestamps.txt',
    ])
  })

  it('mirrors subfolders into the out folder and refuses a file outside the watched one', () => {
    expect(outputDirFor('/w/a/b/x.mp4', '/w', '/out')).toBe(path.join('/out', 'a', 'b'))
    expect(outputDirFor('/w/a/x.mp4', '/w', null)).toBe('/w/a')
    expect(() => outputDirFor('/elsewhere/x.mp4', '/w', '/out')).toThrow(/not inside/)
  })

  it('a file is the same file by path, size and time; new content is a new file', async () => {
    const dir = tempDir()
    const f = path.join(dir, 'a.wav')
    writeFileSync(f, 'abc')
    const id = await identityOf(f)
    const real = realpathSync(f)
    expect(id.key).toBe(identityKey(real, 3, id.mtimeMs))
    expect(identityKey(real, 4, id.mtimeMs)).not.toBe(id.key)
    expect(identityKey(real, 3, id.mtimeMs + 1000)).not.toBe(id.key)
    // another route to the same file is the same file
    symlinkSync(f, path.join(dir, 'link.wav'))
    const viaLink = await identityOf(path.join(dir, 'link.wav'))
    expect(viaLink.key).toBe(id.key)
    // outputs go beside the name the user sees
    expect(viaLink.path).toBe(path.join(dir, 'link.wav'))
  })

  it('scans recursively without looping on a symlink to a parent, listing what it skips', async () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true })
    writeFileSync(path.join(dir, 'a.mp3'), 'x')
    writeFileSync(path.join(dir, 'notes.txt'), 'x')
    writeFileSync(path.join(dir, 'sub', 'deeper', 'b c.d.wav'), 'x')
    symlinkSync(dir, path.join(dir, 'sub', 'loop'))
    const flat = await scanFolder(dir, { recursive: false })
    expect(flat.media).toEqual([path.join(dir, 'a.mp3')])
    const deep = await scanFolder(dir, { recursive: true })
    expect(deep.media).toEqual([path.join(dir, 'a.mp3'), path.join(dir, 'sub', 'deeper', 'b c.d.wav')])
    expect(deep.skipped).toEqual([
      { path: path.join(dir, 'notes.txt'), reason: 'not-media' },
      { path: path.join(dir, 'sub', 'loop'), reason: 'symlinked-folder' },
    ])
    await expect(scanFolder(path.join(dir, 'missing'), { recursive: true })).rejects.toThrow(/ENOENT/)
  })

  it('a file that stands still but is not whole waits; one that never becomes whole is handed on in the end', async () => {
    const dir = tempDir()
    const f = path.join(dir, 'a.wav')
    writeFileSync(f, 'abc')
    const settled: string[] = []
    const asked: string[] = []
    const gate = new WriteFinishGate((file) => settled.push(file), {
      stableMs: 20,
      pollMs: 10,
      giveUpMs: 200,
      whole: async (file) => (asked.push(file), false),
    })
    gate.touch(f)
    await until('both files to be asked about', () => asked.length >= 2, 60_000, 10)
    // asked more than once, and still waiting: a stalled copy is not taken
    expect(settled).toEqual([])
    await until('a file to settle', () => settled.length > 0, 60_000, 10)
    expect(settled).toEqual([f])
    expect(gate.waiting).toBe(0)
    gate.close()
  })
})
