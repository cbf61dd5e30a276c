import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { ConnectionBanner } from './components/ConnectionBanner'
import { Header } from './components/Header'
import { StoreNotice } from './components/StoreNotice'
import { pickLocale, switchLocale } from './i18n/i18n'
import { api } from './lib/api'
import { routes, useRoute, type Route } from './lib/use-route'
import { ComparePage } from './pages/compare/ComparePage'
import { CreditsPage } from './pages/credits/CreditsPage'
import { EnhancePage } from './pages/enhance/EnhancePage'
import { ModelsPage } from './pages/models/ModelsPage'
import { PricingPage } from './pages/pricing/PricingPage'
import { RecordPage } from './pages/record/RecordPage'
import { RecommendationsPage } from './pages/recommendations/RecommendationsPage'
import { SettingsPage } from './pages/settings/SettingsPage'
import { SummaryPage } from './pages/summary/SummaryPage'
import { TranscribePage } from './pages/transcribe/TranscribePage'
import { TranscriptPage } from './pages/transcript/TranscriptPage'

const pages: Record<Route, (props: { param: string | null }) => React.JSX.Element> = {
  transcribe: TranscribePage,
  transcript: TranscriptPage,
  record: RecordPage,
  enhance: EnhancePage,
  models: ModelsPage,
  compare: ComparePage,
  recommendations: RecommendationsPage,
  summary: SummaryPage,
  pricing: PricingPage,
  credits: CreditsPage,
  settings: SettingsPage,
}

const darkQuery = window.matchMedia('(prefers-color-scheme: dark)')
let themeSetting: 'system' | 'light' | 'dark' = 'system'
darkQuery.addEventListener('change', () => applyTheme(themeSetting))

/** "system" follows the OS live; the stylesheet only knows light and dark. */
function applyTheme(theme: 'system' | 'light' | 'dark') {
  themeSetting = theme
  document.documentElement.dataset.theme = theme === 'system' ? (darkQuery.matches ? 'dark' : 'light') : theme
}

export function App({ systemLocale }: { systemLocale: string }) {
  const { t } = useTranslation()
  const { route, param } = useRoute()
  const Page = pages[route]
  useNewPageFocus(`${route}/${param ?? ''}`)

  useEffect(
    () =>
      api.on('settings.changed', (s) => {
        void switchLocale(pickLocale(s.locale, systemLocale))
        applyTheme(s.theme)
      }),
    [systemLocale],
  )

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          // the hash is the router's: move focus without navigating
          e.preventDefault()
          document.getElementById('main')?.focus()
        }}
      >
        {t('app.skipToContent')}
      </a>
      <Header />
      <ConnectionBanner />
      <div className="layout">
        <nav aria-label={t('nav.label')} className="side-nav">
          <ul>
            {routes.map((r) => (
              <li key={r}>
                <a
                  href={`#/${r}`}
                  aria-current={r === route || (r === 'transcribe' && route === 'transcript') ? 'page' : undefined}
                >
                  {t(`nav.${r}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <StoreNotice />
          <Page param={param} />
        </main>
      </div>
    </div>
  )
}

/**
 * A new page starts at its top with focus on its heading, as a screen reader user expects after
 * following a link; the first page of a session keeps the browser's own start.
 */
function useNewPageFocus(location: string) {
  const shown = useRef(location)
  useEffect(() => {
    if (shown.current === location) return
    shown.current = location
    window.scrollTo(0, 0)
    const heading = document.querySelector<HTMLElement>('main h1')
    if (!heading) return
    heading.tabIndex = -1
    heading.focus({ preventScroll: true })
  }, [location])
}

export { applyTheme }
