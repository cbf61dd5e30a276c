import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { mergeMessages, messages } from '../../src/renderer/src/i18n/messages'

const { en, tr } = messages

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}
const placeholders = (s: string) => [...s.matchAll(/{{\s*(\w+)/g)].map((m) => m[1]).sort()

describe('locales', () => {
  it('a feature file adds keys inside a base section, and a key defined twice is refused', () => {
    expect(mergeMessages({ nav: { a: 'A' } }, { nav: { b: 'B' } })).toEqual({ nav: { a: 'A', b: 'B' } })
    expect(() => mergeMessages({ nav: { a: 'A' } }, { nav: { a: 'again' } })).toThrow(/nav|"a"/)
  })

  it('Turkish and English have exactly the same keys', () => {
    const e = keys(en)
    const t = keys(tr)
    expect(
      e.filter((k) => !t.includes(k)),
      'missing in tr',
    ).toEqual([])
    expect(
      t.filter((k) => !e.includes(k)),
      'missing in en',
    ).toEqual([])
  })

  it('every translation keeps the same placeholders and none is empty', () => {
    const get = (o: object, k: string) => k.split('.').reduce<unknown>((a, p) => (a as Record<string, unknown>)[p], o) as string
    for (const k of keys(en)) {
      expect(get(tr, k).trim(), k).not.toBe('')
      expect(placeholders(get(tr, k)), k).toEqual(placeholders(get(en, k)))
    }
  })

  it('every literal key the renderer asks for exists (plural keys by their _one/_other forms)', () => {
    const dir = path.resolve(import.meta.dirname, '../../src/renderer/src')
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f))
    const known = new Set(keys(en).map((k) => k.replace(/_(one|other)$/, '')))
    const missing = files.flatMap((f) =>
      [...readFileSync(path.join(dir, f), 'utf8').matchAll(/\bt\('([\w.-]+)'/g)]
        .map((m) => m[1]!)
        .filter((k) => !known.has(k))
        .map((k) => `${f}: ${k}`),
    )
    expect(missing).toEqual([])
  })
})
