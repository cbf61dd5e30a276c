import { describe, expect, it } from 'vitest'
import { modelKey } from '../../src/shared/catalog-types'
import { applyUpdate } from '../../src/core/pricing/apply-update'
import { parseUpdateFile } from '../../src/core/pricing/update-file'
import { toModelView } from '../../src/core/catalog/model-view'
import { pricingLine } from '../../src/cli/pricing-commands'
import { preUpdateCatalog, specUpdateText } from '../helpers/pre-update-catalog'

const turbo = 'groq/whisper-large-v3-turbo'

describe('per-minute transcription rows and the seed’s pricing update', () => {
  it('the seed’s update takes whisper-large-v3-turbo off enhancement only: its transcription row stays active', () => {
    const { models, lines } = applyUpdate(preUpdateCatalog(), parseUpdateFile(specUpdateText()), 20)
    expect(models.find((m) => modelKey(m) === turbo)).toMatchObject({ kind: 'transcription', active: true })
    const line = lines.find((l) => l.modelId === 'whisper-large-v3-turbo')!
    expect(line).toMatchObject({ group: 'deactivated', enhancementOnly: true, activeAfter: true })
  })

  it('`pricing --all` prints a per-minute row as credits per started minute', () => {
    const row = preUpdateCatalog().find((m) => modelKey(m) === turbo)!
    expect(pricingLine(toModelView(row, 20, {}))).toBe('1x | 1 credit per started minute | whisper-large-v3-turbo')
    const chat = preUpdateCatalog().find((m) => modelKey(m) === 'groq/llama-3.3-70b-versatile')!
    expect(pricingLine(toModelView(chat, 20, {}))).toBe('1.5x | 30 credits | llama-3.3-70b-versatile')
  })
})
