import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App, applyTheme } from './App'
import { initI18n, pickLocale } from './i18n/i18n'
import { api } from './lib/api'
import './styles.css'

async function boot() {
  const [info, settings] = await Promise.all([api.invoke('app.info', {}), api.invoke('settings.get', {})])
  // Served by the web host, the user sits at the browser, not at the server: the browser's
  // language is theirs. In Electron both are the same machine's.
  const systemLocale = info.shell === 'web' ? navigator.language : info.systemLocale || navigator.language
  await initI18n(pickLocale(settings.locale, systemLocale))
  applyTheme(settings.theme)
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App systemLocale={systemLocale} />
    </StrictMode>,
  )
}

boot().catch((err: unknown) => {
  // Before i18n is up there is no translated text to show; the message is for a developer.
  document.body.textContent = `MP4toText could not start: ${(err as Error).message}`
})
