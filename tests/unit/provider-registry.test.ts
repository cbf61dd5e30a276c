import { describe, expect, it } from 'vitest'
import { messages } from '../../src/renderer/src/i18n/messages'
import { bundledCatalog } from '../../src/core/catalog/bundled-catalog'
import { toModelView } from '../../src/core/catalog/model-view'
import { resolveBaseUrl } from '../../src/core/providers/endpoints'
import { sortModels } from '../../src/shared/model-sort'
import {
  baseUrlProviderIds,
  cloudProviderIds,
  cloudTranscriptionModel,
  providerIds,
  providers,
  transcriptionProviderIds,
} from '../../src/shared/providers'
import { defaultSettings, Settings } from '../../src/shared/settings-types'
import { USAGE } from '../../src/cli/cli-args'
import type { ModelView } from '../../src/shared/catalog-types'

const locales = Object.entries(messages) as [string, Record<string, unknown>][]
const nameIn = (m: Record<string, unknown>, id: string) => (m.providers as Record<string, unknown> | undefined)?.[id]

describe('the provider registry is the one home of each provider fact', () => {
  it('every provider whose name is translated has it in every locale; a brand is named only in the registry', () => {
    expect(locales.map(([l]) => l).sort()).toEqual(['en', 'tr'])
    for (const [, m] of locales)
      for (const id of providerIds) {
        if (providers[id].translatedName) expect(typeof nameIn(m, id), `${id}`).toBe('string')
        else expect(nameIn(m, id), `${id} is a brand: its name lives in providers.ts`).toBeUndefined()
      }
    // the locales name no provider the registry does not have
    for (const [, m] of locales) expect(Object.keys(m.providers as object).every((id) => id in providers)).toBe(true)
  })

  it('settings hold a base URL for exactly the providers that take one, and a file from before a provider reads null', () => {
    expect(Object.keys(defaultSettings.baseUrls).sort()).toEqual([...baseUrlProviderIds].sort())
    const older = structuredClone(defaultSettings) as { baseUrls: Record<string, unknown> }
    delete older.baseUrls[baseUrlProviderIds[0]]
    expect(Settings.parse(older).baseUrls[baseUrlProviderIds[0]]).toBeNull()
    // a provider without the setting is never pointed anywhere else
    for (const id of providerIds.filter((p) => !providers[p].baseUrlSetting))
      expect(resolveBaseUrl(id, defaultSettings, { [`MP4TOTEXT_${id.toUpperCase()}_BASE_URL`]: 'http://evil.example' })).toBe(
        providers[id].defaultBaseUrl,
      )
  })

  it('cloud transcription models are named by the providers that transcribe, nothing else', () => {
    for (const id of transcriptionProviderIds)
      expect(cloudTranscriptionModel(`${id}/some-model`)).toEqual({ provider: id, modelId: 'some-model' })
    for (const id of cloudProviderIds.filter((p) => !providers[p].transcribes))
      expect(cloudTranscriptionModel(`${id}/x`)).toBeNull()
    for (const ref of ['base', 'large-v3-turbo', '/x', 'groq/', './models/ggml.bin', null])
      expect(cloudTranscriptionModel(ref)).toBeNull()
    // every transcription row of the bundled catalog belongs to such a provider
    const rows = bundledCatalog().filter((m) => m.kind === 'transcription')
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) expect(cloudTranscriptionModel(`${r.provider}/${r.modelId}`)).not.toBeNull()
  })

  it('"sort by provider" follows the registry for every provider, the built-in engine included', () => {
    const base = toModelView(bundledCatalog()[0]!, 20)
    const one = providerIds.map((provider) => ({ ...base, provider, key: `${provider}/m` }) as ModelView)
    const sorted = sortModels([...one].reverse(), 'provider').map((m) => m.provider)
    expect(sorted).toEqual([...providerIds].sort((a, b) => providers[a].sortOrder - providers[b].sortOrder))
    expect(new Set(providerIds.map((p) => providers[p].sortOrder)).size).toBe(providerIds.length)
  })

  it('the CLI help names every key variable the registry has', () => {
    for (const id of providerIds) {
      const v = providers[id].keyEnvVar
      if (v && providers[id].needsKey) expect(USAGE).toContain(v)
    }
  })
})
