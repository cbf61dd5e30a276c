/** The slice of Electron's `app` that decides whether this process may start at all. */
export interface MainAppLike {
  requestSingleInstanceLock(): boolean
  quit(): void
  whenReady(): Promise<unknown>
}

export interface MainSteps<C> {
  /** listeners and scheme registration; only the instance that runs gets here */
  beforeReady(): void
  /** opens the data folder (db.json, keys); only after ready, only in the first instance */
  openCore(): Promise<C>
  /** windows, IPC, protocol handlers */
  onReady(core: C): void
  /** e.g. a db.json from a newer version: shown to the user before the app quits */
  onOpenFailed(err: Error): void
}

/**
 * The order the Electron main process starts in, kept apart from Electron so it can be tested.
 * A second launch hands its command line to the first instance (Electron raises
 * 'second-instance' there) and quits before touching anything: opening the core in a second
 * process would run start-up recovery against the first one's live work.
 */
export async function startMain<C>(app: MainAppLike, steps: MainSteps<C>): Promise<C | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return null
  }
  steps.beforeReady()
  await app.whenReady()
  let core: C
  try {
    core = await steps.openCore()
  } catch (err) {
    steps.onOpenFailed(err instanceof Error ? err : new Error(String(err)))
    app.quit()
    return null
  }
  steps.onReady(core)
  return core
}
