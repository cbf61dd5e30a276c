import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App, applyTheme } from './App'
import { initI18n, pickLocale } from './i18n/i18n'
import { api } from './lib/api'
import './styles.css'

async function boot() {
  const [info, settings] = await Promise.all([api.invoke('app.info', {}), api.invoke('settings.get', {})])
  await initI18n(pickLocale(settings.locale, info.systemLocale || navigator.language))
  applyTheme(settings.theme)
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App systemLocale={info.systemLocale || navigator.language} />
    </StrictMode>,
  )
}

boot().catch((err: unknown) => {
  // Before i18n is up there is no translated text to show; the message is for a developer.
  document.body.textContent = `MP4toText could not start: ${(err as Error).message}`
})
