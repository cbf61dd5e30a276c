// The core's refusals a user meets in the app carry a key and values, so a Turkish page words
// them itself instead of falling back to the bare code ("Geçersiz giriş").
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { dispatch } from '../../src/shared/dispatch'
import { errorText } from '../../src/renderer/src/lib/error-text'
import { useMessages } from './use-messages'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

useMessages('tr')

describe('refusals a user meets carry a key, and read in Turkish', () => {
  it('no model chosen, a custom preset without a prompt, nothing to undo, files that are not models', async () => {
    const dir = tempDir()
    const core = await openCore({ dataDir: dir, shell: 'web', version: 't', systemLocale: 'tr', env: { GROQ_API_KEY: 'k' } })
    try {
      const notAModel = path.join(dir, 'notlar.v2.bin')
      writeFileSync(notAModel, 'bu bir model değil')
      const notGguf = path.join(dir, 'notlar.gguf')
      writeFileSync(notGguf, 'bu da değil')
      const cases = [
        { key: 'model-not-chosen', call: dispatch(core.handlers, 'transcribe.add', { files: [notAModel] }) },
        {
          key: 'custom-needs-prompt',
          call: dispatch(core.handlers, 'enhance.start', {
            text: 'merhaba',
            provider: 'groq',
            modelId: 'llama-3.1-8b-instant',
            preset: 'custom',
            prompt: ' ',
          }),
        },
        { key: 'pricing-nothing-to-undo', call: dispatch(core.handlers, 'pricing.undo', {}) },
        { key: 'not-a-whisper-model', call: dispatch(core.handlers, 'models.import', { path: notAModel }) },
        { key: 'not-a-gguf', call: dispatch(core.handlers, 'localLlm.import', { path: notGguf }) },
      ]
      for (const c of cases) {
        const env = (await c.call) as { ok: boolean; error: { code: string; key?: string } }
        expect(env.ok, c.key).toBe(false)
        expect(env.error.key, JSON.stringify(env.error)).toBe(c.key)
        const tr = errorText(env.error)
        expect(tr).not.toBe(i18next.t(`errors.codes.${env.error.code}`))
        expect(tr).not.toMatch(/\b(the|model file|is not|Choose|first)\b/)
      }
    } finally {
      await core.close()
    }
  })
})
