import type { ProviderId } from '../../shared/catalog-types'
import { providerIds, providers } from '../../shared/providers'
import type { CallOutput } from '../../shared/contract'
import type { ProviderStatus } from '../../shared/enhance-types'
import { AppError } from '../../shared/errors'
import type { EventBus } from '../event-bus'
import type { Store } from '../store/store'
import { credentialsFor } from './credentials'
import { baseUrlEnvVar, resolveBaseUrl } from './endpoints'
import { redact, type KeyStore } from './key-store'
import { createLlmClient } from './llm-client'
import { classify } from './provider-errors'
import { ModelHealth } from '../enhance/model-health'

/** Keys (set / not set only), "Test key", and the local server's model list. */
export class ProvidersService {
  constructor(
    private readonly store: Store,
    private readonly keys: KeyStore,
    private readonly events: EventBus,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async status(): Promise<ProviderStatus[]> {
    return Promise.all(
      // the built-in engine has no key and no URL: nothing to show or set
      providerIds
        .filter((p) => providers[p].keyEnvVar !== null)
        .map(async (provider) => {
          const source = await this.keys.source(provider)
          return {
            provider,
            keySet: source !== 'none',
            keySource: source,
            keysEditable: this.keys.editable,
            keyStorage: this.keys.storage ?? 'env',
            baseUrl: resolveBaseUrl(provider, this.store.data.settings, this.env),
            baseUrlEnv: this.env[baseUrlEnvVar(provider)] ? baseUrlEnvVar(provider) : null,
          }
        }),
    )
  }

  async setKey(provider: ProviderId, key: string | null, allowWeak = false): Promise<ProviderStatus[]> {
    // the key is bound to the base URL it is entered for: it will be sent nowhere else unasked
    const baseUrl = resolveBaseUrl(provider, this.store.data.settings, this.env)
    await this.keys.set(provider, key?.trim() ? key.trim() : null, { baseUrl, allowWeak })
    return this.status()
  }

  /** A cheap authenticated call: list the provider's models. */
  async testKey(provider: ProviderId): Promise<CallOutput<'providers.testKey'>> {
    // no key, no URL, or a key given for another URL: say so instead of sending anything
    const creds = await credentialsFor(provider, this.sources()).catch((err: unknown) => {
      if (err instanceof AppError) return err
      throw err
    })
    if (creds instanceof AppError) return { ok: false, message: creds.message, models: 0, error: creds.toShape() }
    const { baseURL, key } = creds
    try {
      const ids = await createLlmClient({ provider, baseURL, apiKey: key, timeoutMs: 15_000 }).listModels(
        AbortSignal.timeout(15_000),
      )
      return { ok: true, message: `OK: ${ids.length} models`, models: ids.length }
    } catch (err) {
      return { ok: false, message: redact(classify(err, provider, '').message, [key]), models: 0 }
    }
  }

  /**
   * "Check again" on a model marked no longer offered: list the provider's models; listed again,
   * the mark goes; still missing, it is renewed from now. A key or network problem is thrown as is.
   */
  async recheck(key: string): Promise<{ available: boolean }> {
    const slash = key.indexOf('/')
    const provider = key.slice(0, slash) as ProviderId
    const modelId = key.slice(slash + 1)
    if (slash < 1 || !providerIds.includes(provider) || !modelId) throw new AppError('invalid-input', `Not a model key: ${key}`)
    const { baseURL, key: apiKey } = await credentialsFor(provider, this.sources())
    let ids: string[]
    try {
      ids = await createLlmClient({ provider, baseURL, apiKey, timeoutMs: 15_000 }).listModels(AbortSignal.timeout(15_000))
    } catch (err) {
      const f = classify(err, provider, modelId)
      throw new AppError(f.kind === 'auth' ? 'provider-auth' : 'provider-error', redact(f.message, [apiKey]))
    }
    const health = new ModelHealth(this.store, this.events)
    if (ids.includes(modelId)) {
      await health.clearUnavailable(key)
      return { available: true }
    }
    const message = this.store.data.unavailableModels[key]?.message ?? `${modelId} is not listed by ${provider}.`
    await health.markUnavailable({ key }, message)
    return { available: false }
  }

  /** Read /models from the local OpenAI-compatible server and offer them in the picker. */
  async refreshLocalModels(): Promise<string[]> {
    const { baseURL, key } = await credentialsFor('custom', this.sources())
    let ids: string[]
    try {
      ids = await createLlmClient({ provider: 'custom', baseURL, apiKey: key, timeoutMs: 10_000 }).listModels(
        AbortSignal.timeout(10_000),
      )
    } catch (err) {
      throw new AppError('provider-error', redact(classify(err, 'custom', '').message, [key]))
    }
    await this.store.mutate((db) => {
      db.customModels = [...new Set(ids)].sort()
    })
    this.events.emit('catalog.changed', { reason: 'local-models' })
    return this.store.data.customModels
  }

  private sources() {
    return { keys: this.keys, settings: this.store.data.settings, env: this.env }
  }
}
