import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// WCAG 2.x contrast, computed from the stylesheet's own colour variables.
const css = readFileSync(path.resolve(import.meta.dirname, '../../src/renderer/src/styles.css'), 'utf8')

function palette(selector: RegExp): Record<string, string> {
  const block = selector.exec(css)?.[1] ?? ''
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]))
}

function luminance(hex: string): number {
  const c = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
  return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}

// text colour on background, as the components use them
const pairs: [string, string][] = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['accent', 'surface'],
  ['accent', 'accent-soft'],
  ['fast', 'fast-soft'],
  ['free', 'free-soft'],
  ['warn', 'warn-soft'],
  ['danger', 'danger-soft'],
  ['danger', 'surface'],
  ['fast', 'surface'],
]

describe('colour contrast (WCAG AA, 4.5:1 for text)', () => {
  const light = palette(/:root \{([^}]*)\}/)
  const dark = palette(/:root\[data-theme='dark'\] \{([^}]*)\}/)

  for (const [name, p] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`${name} theme: every text/background pair the UI uses reaches 4.5:1`, () => {
      expect(Object.keys(p).length).toBeGreaterThan(10)
      for (const [fg, bg] of pairs) {
        expect(contrast(p[fg]!, p[bg]!), `${name}: --${fg} on --${bg}`).toBeGreaterThanOrEqual(4.5)
      }
    })
  }

  it('white button text on the accent colour (light theme) reaches 4.5:1', () => {
    expect(contrast('#ffffff', light.accent!)).toBeGreaterThanOrEqual(4.5)
  })
})
