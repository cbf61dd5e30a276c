import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { openCore, type Core } from '../../src/core/app-core'
import { startWebHost, type WebHost } from '../../src/web/web-host'

const root = path.resolve(import.meta.dirname, '../..')
export const screenshotDir = path.join(root, 'test-results', 'screenshots')
/**
 * Screenshots are for a person to look at (`npm run screenshots`), never what a test asserts: a
 * full-page PNG costs a render and an encode, so `npm test` takes none unless asked.
 */
export const takeScreenshots = process.env.MP4TOTEXT_SCREENSHOTS === '1'

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}

export interface AppSession {
  page: Page
  core: Core
  host: WebHost
  dataDir: string
  shot: (name: string) => Promise<void>
  /** another browser context on the same host and data (its own language, theme, size) */
  newPage: (view?: View) => Promise<Page>
}

/** What the browser side looks like: the browser's language, the OS colour scheme, the window size. */
export interface View {
  locale?: 'tr' | 'en'
  colorScheme?: 'light' | 'dark'
  viewport?: { width: number; height: number }
}

const browserLocale = (l: View['locale']) => (l === 'tr' ? 'tr-TR' : 'en-US')

/**
 * One Chromium per test file; each test gets a fresh data dir, core and web host, so no test
 * sees another's credits.
 */
export function useApp(
  opts: {
    locale?: 'tr' | 'en'
    env?: () => NodeJS.ProcessEnv
    prepare?: (dataDir: string) => Promise<void>
    /** more Chromium switches, e.g. fake microphone capture from a WAV file */
    chromiumArgs?: string[]
  } = {},
): (view?: View) => Promise<AppSession> {
  let browser: Browser
  const cleanups: (() => Promise<void>)[] = []
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        ...(opts.chromiumArgs ?? []),
      ],
    })
  })
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })
  afterAll(async () => {
    await browser?.close()
  })
  return async (view = {}) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mp4totext-e2e-'))
    await opts.prepare?.(dataDir)
    const core = await openCore({
      dataDir,
      shell: 'web',
      version: 'test',
      systemLocale: browserLocale(opts.locale),
      // no keys or base URLs from the developer's own environment leak into a test
      env: opts.env?.() ?? {},
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      noFallback: true,
    })
    const host = await startWebHost(core, { staticDir: process.env.WEB_OUT_DIR ?? path.join(root, 'out', 'web') })
    const errors: string[] = []
    const contexts: BrowserContext[] = []
    cleanups.push(async () => {
      for (const c of contexts) await c.close()
      await core.close()
      await host.close()
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 })
      if (errors.length) throw new Error(`Page errors: ${errors.join('; ')}`)
    })
    const newPage = async (v: View = {}): Promise<Page> => {
      const context = await browser.newContext({
        viewport: v.viewport ?? { width: 1280, height: 900 },
        locale: browserLocale(v.locale ?? opts.locale),
        colorScheme: v.colorScheme ?? 'light',
      })
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (e) => errors.push(e.message))
      const clientsBefore = host.eventClients()
      await page.goto(host.url)
      // ready when the header shows a number (not "Loading…")
      // (a locator, not waitForFunction: the app's CSP rightly forbids evaluating strings)
      await page.getByTestId('header-balance-value').filter({ hasText: /\d/ }).waitFor()
      // Changes made from the test side are pushed over SSE: wait until the page listens.
      const deadline = Date.now() + 10_000
      while (host.eventClients() <= clientsBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      return page
    }
    const page = await newPage(view)
    mkdirSync(screenshotDir, { recursive: true })
    return {
      page,
      core,
      host,
      dataDir,
      newPage,
      shot: async (name) => {
        if (takeScreenshots) await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
      },
    }
  }
}

/** Navigate the way the side menu does: change the hash, the app re-renders in place. */
export async function go(page: Page, route: string): Promise<void> {
  await page.evaluate((r) => {
    ;(globalThis as unknown as { location: { hash: string } }).location.hash = `#/${r}`
  }, route)
  await page.locator('main h1').first().waitFor()
}

/**
 * Choose files on the Transcribe page as a user can: once its file button is enabled. The page
 * shows the button while the model list loads, disabled until a model is chosen, and a file set
 * on it then is dropped (a user cannot pick one); a test that set files at once lost its job
 * now and then on a loaded machine.
 */
export async function chooseMedia(page: Page, files: string | string[]): Promise<void> {
  const input = page.getByTestId('media-input')
  // run in the page (this file is type-checked without the DOM's types, hence the cast)
  await page.waitForFunction(() => {
    type Doc = { querySelector(sel: string): { disabled?: boolean } | null }
    const el = (globalThis as unknown as { document: Doc }).document.querySelector('[data-testid=media-input]')
    return el !== null && el.disabled === false
  })
  await input.setInputFiles(files)
}
