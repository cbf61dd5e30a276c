import type { CatalogSummary, CompareReport, ModelView, Recommendation } from '../../shared/catalog-types'
import { AppError } from '../../shared/errors'
import type { Store } from '../store/store'
import { summarize } from './catalog-summary'
import { isUsable, toModelView } from './model-view'
import { compareGroqTogether } from './provider-compare'
import { recommend } from './recommendations'

/** Read side of the catalog: every view is computed from the stored records on each call. */
export class CatalogService {
  constructor(private readonly store: Store) {}

  list(includeInactive = true): ModelView[] {
    const base = this.store.data.settings.baseCredits
    return this.store.data.catalog.models.filter((m) => includeInactive || isUsable(m)).map((m) => toModelView(m, base))
  }

  active(): ModelView[] {
    return this.list(false)
  }

  get(provider: string, modelId: string): ModelView {
    const m = this.list(true).find((x) => x.provider === provider && x.modelId === modelId)
    if (!m)
      throw new AppError('not-found', `Unknown model ${provider}/${modelId}. Run "mp4totext pricing --all" to list the catalog.`)
    return m
  }

  summary(): CatalogSummary {
    return summarize(this.active())
  }

  compare(): CompareReport {
    return compareGroqTogether(this.active())
  }

  recommendations(): Recommendation[] {
    return recommend(this.active())
  }
}
