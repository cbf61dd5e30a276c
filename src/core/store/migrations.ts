import { MAX_CONTEXT_TOKENS, MAX_USD_PER_1M } from '../../shared/catalog-types'
import type { LedgerEntry } from '../../shared/credits-types'
import { chainLedger } from '../credits/ledger'
import { CURRENT_SCHEMA_VERSION } from './db-schema'
import type { CarriedRows } from './library-db'

type Json = Record<string, unknown>

/**
 * migrations[n] turns a version-n document into version n+1. Each is pure and must keep every
 * ledger entry: losing a user's history is worse than refusing to start.
 */
export const migrations: Record<number, (doc: Json) => Json> = {
  // Version 0: documents from before schemaVersion existed (pre-release builds). They held
  // settings and ledger only; the catalog is re-seeded from the bundle.
  0: (doc) => ({
    ...doc,
    schemaVersion: 1,
    catalog: doc.catalog ?? { bundledVersion: '', models: [] },
    credits: {
      ledger: (doc.credits as Json | undefined)?.ledger ?? [],
      reservations: (doc.credits as Json | undefined)?.reservations ?? [],
    },
  }),
  // Version 2 adds pricing history and the bundle base. Version 1 had no way to edit prices, so
  // the user's catalog is exactly the bundle it was seeded from.
  1: (doc) => {
    const catalog = doc.catalog as Json
    return { ...doc, schemaVersion: 2, catalog: { ...catalog, bundleBase: catalog.models }, pricingHistory: [] }
  },
  // Version 3 adds enhancement state and the provider settings it needs.
  2: (doc) => ({
    ...doc,
    schemaVersion: 3,
    settings: {
      ...(doc.settings as Json),
      baseUrls: { gemini: null, groq: null, openai: null, together: null, custom: null },
      enhanceConcurrency: 3,
    },
    enhancements: [],
    speedStats: {},
    unavailableModels: {},
    customModels: [],
    savedPrompts: [],
  }),
  // Version 4 adds local transcription: jobs, the transcript index and their settings.
  3: (doc) => ({
    ...doc,
    schemaVersion: 4,
    settings: {
      ...(doc.settings as Json),
      modelsDir: null,
      whisperModel: null,
      transcribeLanguage: 'auto',
      threads: null,
      transcribeConcurrency: 1,
      modelBaseUrl: null,
    },
    jobs: [],
    transcripts: [],
  }),
  // Version 5: defaults for the Enhance page.
  4: (doc) => ({
    ...doc,
    schemaVersion: 5,
    settings: { ...(doc.settings as Json), defaultEnhanceModel: null, defaultPreset: 'cleanup' },
  }),
  // Version 6: work has an owner (so one process never recovers another's live work) and the
  // ledger is hash-chained (so hand edits show). Existing entries are taken as they are.
  // Prices and context sizes are bounded from this version on (a price of 1e308 made cost
  // estimates infinite); the rare stored value above a bound is brought down to it.
  5: (doc) => {
    const credits = doc.credits as { ledger: LedgerEntry[]; reservations: Json[] }
    // A real version-5 file has no hashes and no owners. One that has them was written by this
    // version and set back by hand: its unhashed entries were added by hand and stay unverified.
    const setBack = 'owners' in doc || credits.ledger.some((e) => e.hash !== undefined)
    const catalog = doc.catalog as { models: Json[]; bundleBase: Json[] }
    return {
      ...doc,
      catalog: { ...catalog, models: catalog.models.map(boundRow), bundleBase: catalog.bundleBase.map(boundRow) },
      // voice activity detection arrives on by default
      settings: { ...(doc.settings as Json), vadEnabled: true, vadThreshold: 0.5, vadPaddingSec: 0.4 },
      pricingHistory: ((doc.pricingHistory as Json[] | undefined) ?? []).map((h) => ({
        ...h,
        before: ((h.before as Json[] | undefined) ?? []).map(boundRow),
      })),
      schemaVersion: 6,
      owners: {},
      credits: {
        ledger: setBack ? credits.ledger : chainLedger(credits.ledger),
        reservations: credits.reservations.map((r) => ({ ...r, owner: r.owner ?? null })),
      },
    }
  },
  // Version 7: speakers, transcription beyond this machine, watch folders, live capture and the
  // built-in local LLM. Each adds its settings (with their defaults) and records here.
  6: (doc) => ({
    ...doc,
    schemaVersion: 7,
    settings: {
      ...(doc.settings as Json),
      // --- speakers ---
      speakerThreshold: 0.5,
      // --- cloud and self-hosted transcription ---
      transcriptionServers: [],
      cloudMaxUploadMB: 25,
      cloudNoticeAcknowledged: [],
      // --- watch folders ---
      watchFolders: [],
      // --- hardware ---
      engineBackend: 'auto',
    },
    // --- watch folders ---
    watchedFiles: [],
    // --- hardware ---
    hardware: {},
  }),
  // Version 8: jobs, the transcript index, watched files and the owners of that work move to
  // library.db. The store carries them there (see `carriedRows`) before this step drops them.
  7: (doc) => {
    const { jobs: _jobs, transcripts: _transcripts, watchedFiles: _watched, ...rest } = doc
    const owners = Object.entries((doc.owners as Json | undefined) ?? {}).filter(([key]) => !MOVED_OWNER.test(key))
    return { ...rest, schemaVersion: 8, owners: Object.fromEntries(owners) }
  },
  // Version 9: the enhancement index and the owners of running enhancements move to library.db
  // too, the same way (see `carriedEnhancements`).
  8: (doc) => {
    const { enhancements: _enhancements, ...rest } = doc
    const owners = Object.entries((doc.owners as Json | undefined) ?? {}).filter(([key]) => !MOVED_ENHANCEMENT_OWNER.test(key))
    return { ...rest, schemaVersion: 9, owners: Object.fromEntries(owners) }
  },
}

/** The owners that move to library.db with their work: jobs and watched files (at 8), enhancements (at 9). */
const MOVED_OWNER = /^(job|watch):/
const MOVED_ENHANCEMENT_OWNER = /^enhancement:/

/** What a version-7 document holds that version 8 keeps in library.db. */
export function carriedRows(doc: Json): CarriedRows {
  const owners = Object.entries((doc.owners as Json | undefined) ?? {}).filter(([key]) => MOVED_OWNER.test(key))
  return {
    from: 7,
    jobs: (doc.jobs as CarriedRows['jobs'] | undefined) ?? [],
    transcripts: (doc.transcripts as CarriedRows['transcripts'] | undefined) ?? [],
    watchedFiles: (doc.watchedFiles as CarriedRows['watchedFiles'] | undefined) ?? [],
    enhancements: [],
    owners: Object.fromEntries(owners) as CarriedRows['owners'],
  }
}

/** What a version-8 document holds that version 9 keeps in library.db, added to `earlier` (a version-7 file's rows). */
export function carriedEnhancements(doc: Json, earlier: CarriedRows | null): CarriedRows {
  const owners = Object.entries((doc.owners as Json | undefined) ?? {}).filter(([key]) => MOVED_ENHANCEMENT_OWNER.test(key))
  const base = earlier ?? { from: 8, jobs: [], transcripts: [], watchedFiles: [], enhancements: [], owners: {} }
  return {
    ...base,
    enhancements: (doc.enhancements as CarriedRows['enhancements'] | undefined) ?? [],
    owners: { ...base.owners, ...(Object.fromEntries(owners) as CarriedRows['owners']) },
  }
}

function boundRow(row: Json): Json {
  const bound = (v: unknown, max: number) => (typeof v === 'number' && v > max ? max : v)
  return {
    ...row,
    inputUsdPer1M: bound(row.inputUsdPer1M, MAX_USD_PER_1M),
    outputUsdPer1M: bound(row.outputUsdPer1M, MAX_USD_PER_1M),
    contextTokens: bound(row.contextTokens, MAX_CONTEXT_TOKENS),
  }
}

export class NewerSchemaError extends Error {
  constructor(readonly found: number) {
    super(
      `db.json was written by a newer MP4toText (schema ${found}, this version reads up to ${CURRENT_SCHEMA_VERSION}). ` +
        'Update the app; the file was left untouched.',
    )
  }
}

/** Bring `input` to version `to` (this version's by default). */
export function migrate(input: Json, to = CURRENT_SCHEMA_VERSION): Json {
  let doc = input
  let version = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0
  if (version > CURRENT_SCHEMA_VERSION) throw new NewerSchemaError(version)
  while (version < to) {
    const step = migrations[version]
    if (!step) throw new Error(`No migration from schema ${version}`)
    doc = step(doc)
    version = doc.schemaVersion as number
  }
  return doc
}
