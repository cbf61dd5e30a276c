import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { calls } from '../../src/shared/contract'
import { dispatch } from '../../src/shared/dispatch'
import { ErrorCode, errorKeys } from '../../src/shared/errors'
import { errorText } from '../../src/renderer/src/lib/error-text'
import { useMessages } from './use-messages'

useMessages('en')

describe('every error the core sends is worded by the renderer, in both languages', () => {
  it('a refused field says which and why, from a key and values (no raw validator text)', async () => {
    const env = await dispatch({} as never, 'credits.topUp', { amount: 10_000_000 })
    expect(env).toMatchObject({ ok: false, error: { code: 'invalid-input', key: 'too-big', params: { field: 'amount' } } })
    for (const lng of ['en', 'tr'] as const) {
      await i18next.changeLanguage(lng)
      const text = errorText((env as { error: unknown }).error)
      expect(text).not.toMatch(/credits\.topUp|Too big/)
      expect(text).toContain(lng === 'en' ? 'Amount' : 'Miktar')
    }
    expect(calls['credits.topUp']).toBeDefined()
  })

  it('walks every error code and every keyed message × en/tr: worded, values filled in, Turkish differs', async () => {
    const params = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, n === 'provider' ? 'groq' : `<${n}>`]))
    const cases = [
      ...ErrorCode.options.map((code) => ({ code, message: 'core english detail' })),
      ...Object.entries(errorKeys).map(([key, names]) => ({
        code: 'invalid-input',
        message: 'core english',
        key,
        params: params(names),
      })),
    ]
    for (const c of cases) {
      await i18next.changeLanguage('en')
      const en = errorText(c)
      await i18next.changeLanguage('tr')
      const tr = errorText(c)
      expect(tr, JSON.stringify(c)).not.toMatch(/{{/)
      expect(tr, JSON.stringify(c)).not.toBe('core english')
      if ('key' in c || !['invalid-input', 'not-found', 'needs-confirmation', 'internal'].includes(c.code))
        expect(tr, JSON.stringify(c)).not.toBe(en)
    }
  })
})
