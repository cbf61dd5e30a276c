// Handlers and helpers that had no test of their own: the rate limiter (on its injectable clock),
// settings.set, prompts.*, and key redaction.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { redact } from '../../src/core/providers/key-store'
import { RateLimiter } from '../../src/core/providers/rate-limiter'
import { dispatch } from '../../src/shared/dispatch'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

describe('rate limiter', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('lets rpm requests through a sliding minute, then waits for the oldest to leave it', async () => {
    vi.useFakeTimers()
    const limiter = new RateLimiter(() => Date.now())
    await limiter.acquire('groq/m', 2)
    await vi.advanceTimersByTimeAsync(10_000)
    await limiter.acquire('groq/m', 2)
    let third = false
    void limiter.acquire('groq/m', 2).then(() => (third = true))
    await vi.advanceTimersByTimeAsync(49_999)
    expect(third).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(third).toBe(true)
    // another key has its own window
    await limiter.acquire('groq/other', 2)
  })

  it('a retry hint pauses the whole key, and cancelling stops the wait', async () => {
    vi.useFakeTimers()
    const limiter = new RateLimiter(() => Date.now())
    limiter.pause('k', 5_000)
    let done = false
    void limiter.acquire('k', null).then(() => (done = true))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toBe(true)
    limiter.pause('k', 5_000)
    const ac = new AbortController()
    const waiting = limiter.acquire('k', null, ac.signal)
    ac.abort(new Error('cancelled'))
    await expect(waiting).rejects.toThrow('cancelled')
  })
})

describe('settings.set and prompts', () => {
  it('saves a settings patch, tells every page, and refuses a bad value with the field named', async () => {
    const core = await openCore({ dataDir: tempDir(), shell: 'cli', version: 't', systemLocale: 'en' })
    const seen: string[] = []
    core.events.subscribe((name) => seen.push(name))
    const ok = await dispatch(core.handlers, 'settings.set', { lowBalanceThreshold: 250, theme: 'dark' })
    expect(ok).toMatchObject({ ok: true, value: { lowBalanceThreshold: 250, theme: 'dark' } })
    expect(seen).toEqual(expect.arrayContaining(['settings.changed', 'credits.changed']))
    const bad = await dispatch(core.handlers, 'settings.set', { theme: 'purple' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('theme') } })
    const again = await openCore({ dataDir: core.dataDirPath, shell: 'cli', version: 't', systemLocale: 'en' })
    expect(again.store.data.settings).toMatchObject({ lowBalanceThreshold: 250, theme: 'dark' })
    await core.close()
    await again.close()
  })

  it('saves prompts by name (saving a name again replaces it) and deletes them', async () => {
    const core = await openCore({ dataDir: tempDir(), shell: 'cli', version: 't', systemLocale: 'en' })
    type Prompts = { id: string; name: string; prompt: string }[]
    const call = async (name: 'prompts.save' | 'prompts.delete', input: unknown) => {
      const env = await dispatch(core.handlers, name, input)
      if (!env.ok) throw new Error(env.error.message)
      return env.value as Prompts
    }
    await call('prompts.save', { name: 'Kısa', prompt: 'Kısalt.' })
    await call('prompts.save', { name: 'Kısa', prompt: 'Daha da kısalt.' })
    const saved = await call('prompts.save', { name: 'Long', prompt: 'Expand.' })
    expect(saved.map((p) => [p.name, p.prompt])).toEqual([
      ['Kısa', 'Daha da kısalt.'],
      ['Long', 'Expand.'],
    ])
    const left = await call('prompts.delete', { id: saved[0]!.id })
    expect(left.map((p) => p.name)).toEqual(['Long'])
    await core.close()
  })
})

describe('redact', () => {
  it('removes every occurrence of each key, and leaves text without keys alone', () => {
    const key = 'sk-live-ABCDEF123456'
    expect(redact(`401: key ${key} is invalid (${key})`, [key, null])).toBe('401: key [redacted] is invalid ([redacted])')
    expect(redact('nothing secret here', [key])).toBe('nothing secret here')
    // a very short "key" would shred ordinary words: it is not a real key
    expect(redact('a b c', ['a'])).toBe('a b c')
  })
})
