import { describe, expect, it } from 'vitest'
import { requireSpeakerModels } from '../../src/core/diarize/speaker-models'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

describe('hints shown to users are plain text', () => {
  it('the missing speaker models hint names the command without Markdown backticks', () => {
    let message = ''
    try {
      requireSpeakerModels(tempDir())
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/models pull speakers/)
    expect(message).not.toContain('`')
  })
})
