import type { ModelView } from '../../shared/catalog-types'
import type { EnhanceRequest } from '../../shared/enhance-types'
import { AppError, keyedError } from '../../shared/errors'
import type { CatalogService } from '../catalog/catalog-service'
import type { CreditsService } from '../credits/credits-service'
import { credentialsFor } from '../providers/credentials'
import type { KeyStore } from '../providers/key-store'
import type { Settings } from '../../shared/settings-types'

export interface Admitted {
  model: ModelView
  key: string | null
  baseURL: string
  reservationId: string
}

/**
 * Everything that can refuse an enhancement, checked before any request: the model is offered,
 * the preset is complete, a key bound to this endpoint exists — and only then are the model's
 * credits reserved, once however many chunks follow. A refusal reserves nothing.
 */
export async function admit(
  req: EnhanceRequest,
  id: string,
  deps: {
    catalog: CatalogService
    credits: CreditsService
    keys: KeyStore
    settings: Settings
    env: NodeJS.ProcessEnv
    /** the built-in engine: refuses a model that is not installed or will not fit in memory */
    builtin?: { resolve: (modelId: string) => unknown }
  },
): Promise<Admitted> {
  const model = deps.catalog.get(req.provider, req.modelId)
  if (!model.active || model.kind !== 'chat')
    throw keyedError(
      'invalid-input',
      'not-for-enhancement',
      { model: model.displayName },
      `${model.displayName} is not offered for enhancement.`,
    )
  if (model.unavailable) throw new AppError('model-unavailable', model.unavailable.message)
  if (req.preset === 'custom' && !req.prompt?.trim())
    throw keyedError('invalid-input', 'custom-needs-prompt', {}, 'The custom preset needs a prompt.')
  if (req.provider === 'builtin') {
    if (!deps.builtin) throw new AppError('invalid-input', 'The built-in engine is not available in this shell.')
    deps.builtin.resolve(req.modelId)
  }
  // a missing key, or a key given for another URL than Settings now name, stops here (the
  // built-in engine runs in the app: no key, no URL)
  const { baseURL, key } =
    req.provider === 'builtin'
      ? { baseURL: '', key: null }
      : await credentialsFor(req.provider, { keys: deps.keys, settings: deps.settings, env: deps.env })
  const reservation = await deps.credits.reserve(
    model.credits,
    id,
    `Enhancement: ${req.preset} with ${model.displayName} (${model.provider})`,
  )
  return { model, key, baseURL, reservationId: reservation.id }
}
