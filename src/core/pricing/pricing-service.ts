import { createHash, randomUUID } from 'node:crypto'
import { modelKey, type ModelRecord } from '../../shared/catalog-types'
import { AppError, keyedError } from '../../shared/errors'
import type { Scenario } from '../../shared/catalog-types'
import type { DiffLine, PricingHistoryEntry, PricingPreview, RecommendationChange } from '../../shared/pricing-types'
import { BUNDLED_CATALOG_VERSION, bundledCatalog } from '../catalog/bundled-catalog'
import { parseMultiplierTenths } from '../catalog/credits-math'
import { isUsable, toModelView } from '../catalog/model-view'
import { recommend } from '../catalog/recommendations'
import type { EventBus } from '../event-bus'
import type { Db, PricingHistoryRecord } from '../store/db-schema'
import type { Store } from '../store/store'
import { applyUpdate } from './apply-update'
import { mergeBundled } from './bundled-merge'
import { diffCatalogs } from './pricing-diff'
import { parseUpdateFile, PricingValidationError, type ModelChange } from './update-file'

export interface ModelEdit {
  provider: ModelRecord['provider']
  modelId: string
  multiplier?: string
  active?: boolean
  reason: string
}

/** Pricing updates and edits: preview, apply all-or-nothing, history, undo. No restart needed. */
export class PricingService {
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
  ) {}

  preview(text: string): PricingPreview {
    const update = this.parse(text)
    const before = this.store.data.catalog.models
    const { models, lines } = this.applyOrThrow(before, update)
    const changes = recommendationChanges(before, models, lines, this.store.data.settings.baseCredits)
    return {
      title: update.title,
      date: update.date,
      notes: update.notes,
      checksum: checksum(text),
      lines,
      warnings: changes.map(warningText),
      recommendationChanges: changes,
    }
  }

  async apply(text: string, opts: { confirmWarnings?: boolean } = {}): Promise<PricingHistoryEntry> {
    const update = this.parse(text)
    const entry = await this.store.mutate((db) => {
      // Computed inside the lock, against the catalog as it is at this moment.
      const { models, lines } = this.applyOrThrow(db.catalog.models, update)
      requireConfirmation(recommendationChanges(db.catalog.models, models, lines, db.settings.baseCredits), opts.confirmWarnings)
      return record(db, models, {
        kind: 'update',
        title: update.title,
        reason: update.notes,
        checksum: checksum(text),
        lines,
      })
    })
    this.changed('pricing-update')
    return entry
  }

  async setModel(edit: ModelEdit): Promise<PricingHistoryEntry> {
    if (!edit.reason.trim())
      throw keyedError('invalid-input', 'pricing-reason-required', {}, 'A reason is required for a pricing edit')
    if (edit.multiplier === undefined && edit.active === undefined) {
      throw new AppError('invalid-input', 'Nothing to change: give a multiplier or an active flag')
    }
    const change: ModelChange = {
      provider: edit.provider,
      modelId: edit.modelId,
      ...(edit.multiplier !== undefined ? { multiplier: parseEditMultiplier(edit.multiplier) } : {}),
      ...(edit.active !== undefined ? { active: edit.active } : {}),
      note: edit.reason,
    }
    const entry = await this.store.mutate((db) => {
      const { models, lines } = this.applyOrThrow(
        db.catalog.models,
        {
          format: 'mp4totext-pricing-update',
          formatVersion: 1,
          date: new Date().toISOString().slice(0, 10),
          title: `Edit ${modelKey(edit)}`,
          notes: edit.reason,
          changes: [change],
          newModels: [],
        },
        { edit: true },
      )
      return record(db, models, { kind: 'edit', title: `${modelKey(edit)}`, reason: edit.reason, checksum: null, lines })
    })
    this.changed('pricing-edit')
    return entry
  }

  history(): PricingHistoryEntry[] {
    return [...this.store.data.pricingHistory].reverse().map(({ before: _before, ...e }) => e)
  }

  /** Undo the most recent update or edit that is still in effect: the catalog comes back exactly. */
  async undo(): Promise<PricingHistoryEntry> {
    const entry = await this.store.mutate((db) => {
      const last = [...db.pricingHistory].reverse().find((e) => e.undoneAt === null)
      if (!last) throw keyedError('not-found', 'pricing-nothing-to-undo', {}, 'There is no pricing change to undo')
      if (last.kind === 'bundled-merge') {
        throw keyedError(
          'invalid-input',
          'pricing-undo-upgrade',
          {},
          'The last change came with an app upgrade and cannot be undone; edit the model instead',
        )
      }
      db.catalog.models = structuredClone(last.before)
      last.undoneAt = new Date().toISOString()
      const { before: _before, ...rest } = last
      return rest
    })
    this.changed('pricing-undo')
    return entry
  }

  /** On start-up: fold a newer bundled catalog into the user's, keeping the user's own edits. */
  async mergeBundledIfNewer(bundle: ModelRecord[] = bundledCatalog(), version = BUNDLED_CATALOG_VERSION): Promise<boolean> {
    if (this.store.data.catalog.bundledVersion === version) return false
    await this.store.mutate((db) => {
      const merged = mergeBundled(db.catalog.models, db.catalog.bundleBase, bundle)
      const lines = diffCatalogs(db.catalog.models, merged, db.settings.baseCredits)
      record(db, merged, { kind: 'bundled-merge', title: `Catalog ${version}`, reason: 'App upgrade', checksum: null, lines })
      db.catalog.bundledVersion = version
      db.catalog.bundleBase = bundle
    })
    return true
  }

  private parse(text: string) {
    try {
      return parseUpdateFile(text)
    } catch (err) {
      throw asAppError(err)
    }
  }

  private applyOrThrow(models: ModelRecord[], update: Parameters<typeof applyUpdate>[1], opts: { edit?: boolean } = {}) {
    try {
      return applyUpdate(models, update, this.store.data.settings.baseCredits, opts)
    } catch (err) {
      throw asAppError(err)
    }
  }

  private changed(reason: string): void {
    this.events.emit('catalog.changed', { reason })
  }
}

function record(
  db: Db,
  models: ModelRecord[],
  e: Pick<PricingHistoryEntry, 'kind' | 'title' | 'reason' | 'checksum'> & { lines: DiffLine[] },
): PricingHistoryEntry {
  const full: PricingHistoryRecord = {
    id: randomUUID(),
    at: new Date().toISOString(),
    undoneAt: null,
    ...e,
    before: structuredClone(db.catalog.models),
  }
  db.catalog.models = models
  db.pricingHistory.push(full)
  const { before: _before, ...entry } = full
  return entry
}

/** The recommendations whose model the change deactivates, and what their rules pick instead. */
function recommendationChanges(
  before: ModelRecord[],
  after: ModelRecord[],
  lines: DiffLine[],
  baseCredits: number,
): RecommendationChange[] {
  const deactivated = new Set(lines.filter((l) => l.group === 'deactivated').map(modelKey))
  if (!deactivated.size) return []
  const recs = (models: ModelRecord[]) => recommend(models.filter(isUsable).map((m) => toModelView(m, baseCredits)))
  const next = new Map(recs(after).map((r) => [r.scenario, r.model]))
  return recs(before).flatMap((r) => {
    if (!r.model || !deactivated.has(r.model.key)) return []
    const to = next.get(r.scenario) ?? null
    return [
      {
        scenario: r.scenario,
        from: { key: r.model.key, displayName: r.model.displayName },
        to: to ? { key: to.key, displayName: to.displayName } : null,
      },
    ]
  })
}

/** The CLI's English names of the scenarios (the UI words them from its locale files). */
const scenarioNames: Record<Scenario, string> = {
  instantChat: 'Instant chat',
  quickEnhancement: 'Quick enhancement',
  professionalWork: 'Professional work',
  freeTesting: 'Free testing',
  batchProcessing: 'Batch processing',
  research: 'Research',
}

function warningText(c: RecommendationChange): string {
  return `Deactivating ${c.from.key} changes the "${scenarioNames[c.scenario]}" recommendation to ${c.to ? c.to.key : 'no model'}`
}

function requireConfirmation(changes: RecommendationChange[], confirmed: boolean | undefined): void {
  const warnings = changes.map(warningText)
  if (warnings.length && !confirmed)
    throw keyedError('needs-confirmation', 'pricing-needs-confirmation', {}, `${warnings.join('; ')}. Confirm to apply anyway.`)
}

function parseEditMultiplier(text: string): number {
  try {
    return parseMultiplierTenths(text)
  } catch (err) {
    throw keyedError('invalid-input', 'pricing-bad-multiplier', { value: text }, `Multiplier ${(err as Error).message}`)
  }
}

function asAppError(err: unknown): unknown {
  return err instanceof PricingValidationError
    ? keyedError('invalid-input', 'pricing-not-applied', { problems: err.problems.join('; ') }, err.message)
    : err
}

export function checksum(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}
