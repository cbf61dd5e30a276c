import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import type { Locale } from '../../../shared/settings-types'
import { messages } from './messages'

export const resources = { en: { translation: messages.en }, tr: { translation: messages.tr } } as const

/** Turkish for a Turkish system, English for everything else. */
export function pickLocale(preferred: Locale | null, systemLocale: string): Locale {
  if (preferred) return preferred
  return systemLocale.toLowerCase().startsWith('tr') ? 'tr' : 'en'
}

export async function initI18n(locale: Locale): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources,
    lng: locale,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  })
  document.documentElement.lang = locale
  return i18next
}

export async function switchLocale(locale: Locale): Promise<void> {
  await i18next.changeLanguage(locale)
  document.documentElement.lang = locale
}
