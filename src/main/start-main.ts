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

/** The slice of Electron's `app` that quitting needs. */
export interface QuitAppLike {
  on(event: 'before-quit', fn: (e: { preventDefault(): void }) => void): void
  quit(): void
}

/** How long quitting waits for the core to close before the app ends anyway. */
export const CLOSE_LIMIT_MS = 10_000

/**
 * Quitting waits for the core to close: enhancement runs in flight are stopped, refunded and
 * recorded, and the files closed, before the process ends. Electron does not wait for a
 * `before-quit` listener's promise, so the first quit is held (preventDefault) and asked again
 * once the core is closed, or after `limitMs` if closing hangs (a frozen disk: what is left then
 * is what a crash leaves, and the next start's recovery settles it). The second quit goes through
 * Electron's whole sequence (will-quit, quit), which the updater's install-on-quit listens to.
 */
export function closeBeforeQuit(app: QuitAppLike, close: () => Promise<void>, limitMs = CLOSE_LIMIT_MS): void {
  let state: 'open' | 'closing' | 'closed' = 'open'
  app.on('before-quit', (e) => {
    if (state === 'closed') return
    e.preventDefault()
    if (state === 'closing') return
    state = 'closing'
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)))
    void Promise.race([close().catch(() => undefined), limit]).then(() => {
      clearTimeout(timer)
      state = 'closed'
      app.quit()
    })
  })
}
