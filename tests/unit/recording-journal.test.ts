import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ChunkOrder, MAX_WAITING_CHUNKS, PcmJournal } from '../../src/core/recording/pcm-journal'
import { Manifest } from '../../src/core/recording/recording-files'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-journal-'))
  dirs.push(d)
  return d
}

describe('live audio chunks in order', () => {
  it('hands chunks out in order, ignores resent ones and holds early ones until the gap is filled', () => {
    const o = new ChunkOrder<string>()
    expect(o.accept(0, 'a')).toEqual(['a'])
    expect(o.accept(0, 'a again')).toEqual([])
    expect(o.accept(2, 'c')).toEqual([])
    expect(o.accept(3, 'd')).toEqual([])
    expect(o.accept(3, 'd again')).toEqual([])
    expect(o.waitingCount).toBe(2)
    expect(o.accept(1, 'b')).toEqual(['b', 'c', 'd'])
    expect(o.expected).toBe(4)
    expect(o.accept(1, 'b again')).toEqual([])
  })

  it('refuses to hold more than a bounded number of chunks behind a gap', () => {
    const o = new ChunkOrder<number>()
    for (let i = 1; i <= MAX_WAITING_CHUNKS; i++) o.accept(i, i)
    expect(() => o.accept(MAX_WAITING_CHUNKS + 1, 0)).toThrow(/chunk 0 never arrived/)
  })

  it('appends whole samples to disk and cuts a torn last sample when reopened', async () => {
    const file = path.join(tmp(), 'audio.pcm')
    const j = await PcmJournal.open(file)
    await j.append(Buffer.from([1, 0, 2, 0]))
    await expect(j.append(Buffer.from([1]))).rejects.toThrow(/whole 16-bit samples/)
    await j.close()
    writeFileSync(file, Buffer.from([1, 0, 2, 0, 3]))
    const again = await PcmJournal.open(file)
    expect(again.bytes).toBe(4)
    await again.append(Buffer.from([4, 0]))
    await again.close()
    expect([...readFileSync(file)]).toEqual([1, 0, 2, 0, 4, 0])
  })

  it('a manifest names its owner process (a recovered recording must belong to a dead one)', () => {
    const base = { id: 'x', state: 'recording', startedAt: 't', language: 'tr', model: 'base', deviceLabel: '' }
    expect(Manifest.safeParse(base).success).toBe(false)
    expect(Manifest.safeParse({ ...base, owner: { instance: 'i', pid: 1, host: 'h' } }).success).toBe(true)
  })
})
