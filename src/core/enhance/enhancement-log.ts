import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { ModelView } from '../../shared/catalog-types'
import type { EnhanceRequest, EnhancementRecord } from '../../shared/enhance-types'
import { AppError } from '../../shared/errors'
import { ownedBy } from '../runtime/work-recovery'
import type { Db, Owner } from '../store/db-schema'
import { atomicWrite } from '../store/safe-json-file'
import type { Store } from '../store/store'

export interface EnhancementTexts {
  input: string
  output: string
  partial: boolean
}

/**
 * The run log: one record per enhancement in db.json (status, stats, a preview) and its full
 * texts in `enhancements/<id>.json` beside it. A running record names the process that runs
 * it, so start-up recovery elsewhere leaves it alone.
 */
export class EnhancementLog {
  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
    private readonly owner: Owner | null = null,
  ) {}

  history(): EnhancementRecord[] {
    return [...this.store.data.enhancements].reverse()
  }

  async texts(id: string): Promise<EnhancementTexts> {
    if (!this.store.data.enhancements.some((e) => e.id === id)) throw new AppError('not-found', `No enhancement ${id}`)
    return JSON.parse(await fs.readFile(this.textPath(id), 'utf8')) as EnhancementTexts
  }

  async saveTexts(id: string, texts: EnhancementTexts): Promise<void> {
    await atomicWrite(this.textPath(id), JSON.stringify(texts))
  }

  async record(id: string, req: EnhanceRequest, model: ModelView, patch: Partial<EnhancementRecord>): Promise<void> {
    await this.store.mutate((db) => this.recordIn(db, id, req, model, patch))
  }

  /** The same change made inside another write (admission's, with its reservation). */
  recordIn(db: Db, id: string, req: EnhanceRequest, model: ModelView, patch: Partial<EnhancementRecord>): void {
    let rec = db.enhancements.find((e) => e.id === id)
    if (!rec) {
      rec = {
        id,
        at: new Date().toISOString(),
        status: 'running',
        provider: req.provider,
        modelId: req.modelId,
        displayName: model.displayName,
        preset: req.preset,
        credits: model.credits,
        inputChars: req.text.length,
        preview: '',
        stats: null,
        error: null,
        compareId: req.compareId ?? null,
        transcriptId: req.transcriptId ?? null,
      }
      db.enhancements.push(rec)
    }
    Object.assign(rec, patch)
    if (rec.status === 'running' && this.owner) db.owners[ownedBy.enhancement(id)] = this.owner
    else delete db.owners[ownedBy.enhancement(id)]
  }

  private textPath(id: string): string {
    return path.join(this.dataDir, 'enhancements', `${id}.json`)
  }
}
