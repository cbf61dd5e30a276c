import {
  modelKey,
  type CatalogSummary,
  type CompareReport,
  type ModelView,
  type Recommendation,
} from '../../shared/catalog-types'
import { keyedError } from '../../shared/errors'
import type { Store } from '../store/store'
import { summarize } from './catalog-summary'
import { isUsable, localModelView, toModelView } from './model-view'
import { standingMark } from '../enhance/model-health'
import { compareGroqTogether } from './provider-compare'
import { recommend } from './recommendations'

/** Read side of the catalog: every view is computed from the stored records on each call. */
export class CatalogService {
  constructor(
    private readonly store: Store,
    /** rows of the built-in engine's installed GGUF models */
    private readonly builtinViews: (speedStats: Store['data']['speedStats']) => ModelView[] = () => [],
  ) {}

  /**
   * Cloud catalog rows (all, or the active chat models), then the local server's models. Models a
   * provider withdrew stay in the list, marked `unavailable`, so the picker can show them apart.
   */
  list(includeInactive = true): ModelView[] {
    const db = this.store.data
    const cloud = db.catalog.models
      .filter((m) => includeInactive || isUsable(m))
      .map((m) => {
        const key = modelKey(m)
        return toModelView(m, db.settings.baseCredits, {
          unavailable: standingMark(db.unavailableModels[key]),
          samples: db.speedStats[key],
        })
      })
    const local = db.customModels.map((id) => localModelView(id, db.speedStats[`custom/${id}`]))
    return [...cloud, ...local, ...this.builtinViews(db.speedStats)]
  }

  /** Usable cloud models: what the seed's pages compute over (local models are not priced). */
  active(): ModelView[] {
    return this.list(false).filter((m) => !m.local && !m.unavailable)
  }

  get(provider: string, modelId: string): ModelView {
    const m = this.list(true).find((x) => x.provider === provider && x.modelId === modelId)
    if (!m) {
      const english = (hint: string) => `Unknown model ${provider}/${modelId}. ${hint}`
      if (provider === 'custom')
        throw keyedError(
          'not-found',
          'local-model-unknown',
          { model: modelId },
          english("Refresh the local server's model list (Settings → Local server; the CLI reads it itself)."),
        )
      if (provider === 'builtin')
        throw keyedError(
          'not-found',
          'builtin-not-installed',
          { name: modelId },
          english('Download or import it on the Models page (CLI: mp4totext models list shows the built-in models).'),
        )
      throw keyedError(
        'not-found',
        'model-unknown',
        { model: `${provider}/${modelId}` },
        english('See the Models page for the catalog (CLI: mp4totext pricing --all).'),
      )
    }
    return m
  }

  summary(): CatalogSummary {
    return summarize(this.active())
  }

  /**
   * What each provider offers, from the catalog: a 404 seen on this machine (a passing mark, see
   * model-health) is no reason for a comparison of the two to lose a model or a line.
   */
  compare(): CompareReport {
    return compareGroqTogether(this.list(false).filter((m) => !m.local))
  }

  recommendations(): Recommendation[] {
    return recommend(this.active())
  }
}
