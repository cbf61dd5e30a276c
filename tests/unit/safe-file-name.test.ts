import { describe, expect, it } from 'vitest'
import { freePath, safeFileName } from '../../src/core/media/safe-file-name'

describe('a title as a file name', () => {
  it('keeps letters of any script and inner dots, drops what a file system refuses', () => {
    expect(safeFileName('Ayşe’nin konuşması: bölüm 1/2 v2.1')).toBe('Ayşe’nin konuşması bölüm 1 2 v2.1')
    expect(safeFileName('..hidden. ')).toBe('hidden')
    expect(safeFileName('a\u0000b\nc|d?e*f<g>h"i\\j')).toBe('a b c d e f g h i j')
    expect(safeFileName('CON')).toBe('CON_')
    expect(safeFileName('nul.txt')).toBe('nul.txt_')
    expect(safeFileName(' ... ')).toBe('download')
    // decomposed letters are composed (one name on every system)
    expect(safeFileName('S\u0327arkı')).toBe('Şarkı')
  })

  it('fits in 200 bytes of UTF-8, cut on a whole character', () => {
    const name = safeFileName('ş'.repeat(300))
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200)
    expect(name).toBe('ş'.repeat(100))
  })

  it('never chooses an existing name', () => {
    const taken = new Set(['/d/a.mp3', '/d/a (2).mp3'])
    expect(freePath('/d', 'a', '.mp3', (p) => taken.has(p))).toBe('/d/a (3).mp3')
  })
})
