import type { ModelView } from '../../shared/catalog-types'
import type { EnhanceRequest, EnhancementRecord } from '../../shared/enhance-types'
import { AppError } from '../../shared/errors'
import { ownedBy } from '../runtime/work-recovery'
import type { Owner } from '../store/db-schema'
import type { EnhancementTexts, LibraryDb } from '../store/library-db'

export type { EnhancementTexts }

/**
 * The run log: one record per enhancement in library.db (status, stats, a preview) and its full
 * texts in a row beside it (enhancement_texts). A running record names the process that runs it
 * (library.db's owners, `enhancement:<id>`), so start-up recovery elsewhere leaves it alone.
 *
 * The record and the credits are in two files now (the reservation is in db.json), so they are
 * never written together; EnhanceService writes them in the order that keeps money and results
 * safe at every crash, and work-recovery reconciles the two (see the comment in EnhanceService).
 */
export class EnhancementLog {
  constructor(
    private readonly library: LibraryDb,
    private readonly owner: Owner | null = null,
  ) {}

  /** The newest `limit` runs, newest first: one page from SQL, whatever the history's size. */
  history(limit: number): EnhancementRecord[] {
    return this.library.enhancements.page(limit, 0).items
  }

  /** A transcript's finished runs, oldest first (its versions), found by SQL, not by reading every run. */
  doneFor(transcriptId: string): EnhancementRecord[] {
    return this.library.enhancements.where('transcriptId', transcriptId).filter((e) => e.status === 'done')
  }

  async texts(id: string): Promise<EnhancementTexts> {
    if (!this.library.enhancements.get(id)) throw new AppError('not-found', `No enhancement ${id}`)
    const texts = this.library.enhancementTexts.get(id)
    // a run that saved none (it failed before a word arrived, or its file of an earlier release was lost)
    if (!texts) throw new AppError('not-found', `No text was saved for enhancement ${id}`)
    return texts
  }

  /** Async like the other settling writes it is chained with: a failed write rejects. */
  async saveTexts(id: string, texts: EnhancementTexts): Promise<void> {
    this.library.transaction(() => this.library.enhancementTexts.put(id, texts))
  }

  /**
   * Add the run's record (first call) or change it, with its owner while it runs, in one
   * transaction. Async like the other settling writes it is chained with: a failed write rejects.
   */
  async record(id: string, req: EnhanceRequest, model: ModelView, patch: Partial<EnhancementRecord>): Promise<void> {
    const lib = this.library
    lib.transaction(() => {
      const rec: EnhancementRecord = lib.enhancements.get(id) ?? {
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
      Object.assign(rec, patch)
      lib.enhancements.put(rec)
      if (rec.status === 'running' && this.owner) lib.owners.set(ownedBy.enhancement(id), this.owner)
      else lib.owners.delete(ownedBy.enhancement(id))
    })
  }
}
