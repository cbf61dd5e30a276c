import { defaultSettings } from '../shared/settings-types'
import { bundledCatalog, BUNDLED_CATALOG_VERSION } from './catalog/bundled-catalog'
import { append } from './credits/ledger'
import { CURRENT_SCHEMA_VERSION, type Db } from './store/db-schema'

/** A first run: bundled catalog, default settings and the starting grant as the first ledger line. */
export function createInitialDb(): Db {
  const db: Db = {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    settings: { ...defaultSettings },
    catalog: { bundledVersion: BUNDLED_CATALOG_VERSION, models: bundledCatalog(), bundleBase: bundledCatalog() },
    credits: { ledger: [], reservations: [] },
    owners: {},
    pricingHistory: [],
    speedStats: {},
    unavailableModels: {},
    customModels: [],
    savedPrompts: [],
    // --- hardware ---
    hardware: {},
  }
  if (db.settings.startingBalance > 0) append(db, 'grant', db.settings.startingBalance, 'Welcome credits')
  return db
}
