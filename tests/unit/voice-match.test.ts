import { describe, expect, it } from 'vitest'
import { cosine, matchVoices } from '../../src/core/diarize/voice-library'

const voice = (id: string, embedding: number[], negatives: number[][] = []) => ({
  id,
  name: id,
  model: 'm',
  embedding,
  samples: 1,
  negatives,
  createdAt: '',
  updatedAt: '',
})

describe('matching speakers to known voices', () => {
  it('the best match wins, each voice for one speaker at most, nothing under the threshold', () => {
    const voices = [voice('ayse', [1, 0, 0]), voice('mehmet', [0, 1, 0])]
    const m = matchVoices(
      [
        { key: 'a', embedding: [0.9, 0.1, 0] },
        { key: 'b', embedding: [0.8, 0.3, 0] }, // nearer Ayşe too, but a is nearer still
        { key: 'c', embedding: [0, 0, 1] },
      ],
      voices,
      0.6,
    )
    expect(m.get('a')).toMatchObject({ voiceId: 'ayse' })
    expect(m.get('b')).toBeUndefined() // Mehmet scores under 0.6 for b
    expect(m.get('c')).toBeUndefined()
    expect(m.get('a')!.score).toBeCloseTo(cosine([0.9, 0.1, 0], [1, 0, 0]), 3)
  })

  it('a speaker nearer a negative of the voice than to the voice is not that voice', () => {
    const ayse = voice('ayse', [1, 0, 0], [[0.8, 0.6, 0]])
    expect(matchVoices([{ key: 'x', embedding: [0.8, 0.6, 0] }], [ayse], 0.6).size).toBe(0)
    expect(matchVoices([{ key: 'y', embedding: [1, 0.05, 0] }], [ayse], 0.6).get('y')).toMatchObject({ voiceId: 'ayse' })
  })
})
