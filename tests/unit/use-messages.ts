import i18next from 'i18next'
import { beforeAll } from 'vitest'
import { messages } from '../../src/renderer/src/i18n/messages'

/** The renderer's messages in both languages, for tests that word core errors as a page would. */
export function useMessages(lng: 'en' | 'tr'): void {
  beforeAll(async () => {
    await i18next.init({
      resources: { en: { translation: messages.en }, tr: { translation: messages.tr } },
      lng,
      interpolation: { escapeValue: false },
    })
  })
}
