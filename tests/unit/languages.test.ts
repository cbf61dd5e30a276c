import { describe, expect, it } from 'vitest'
import { spokenLanguages, whisperLanguageCodes } from '../../src/shared/languages'

describe('spoken languages', () => {
  it('lists every whisper language once, Turkish and English first, named in the UI language', () => {
    expect(new Set(whisperLanguageCodes).size).toBe(whisperLanguageCodes.length)
    expect(whisperLanguageCodes.length).toBe(100)
    const tr = spokenLanguages('tr')
    expect(tr.slice(0, 2)).toEqual([
      ['tr', 'Türkçe'],
      ['en', 'İngilizce'],
    ])
    expect(tr.find(([c]) => c === 'de')![1]).toBe('Almanca')
    expect(spokenLanguages('en').find(([c]) => c === 'de')![1]).toBe('German')
  })
})
