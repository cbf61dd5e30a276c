import en from './locales/en.json'
import tr from './locales/tr.json'
import type {} from './import-glob'

export type Tree = { [key: string]: string | Tree }

/** Later trees add keys inside earlier ones' sections (a feature may add `nav.record`); a key twice is a mistake. */
export function mergeMessages(...trees: Tree[]): Tree {
  const out: Tree = {}
  for (const tree of trees) {
    for (const [key, value] of Object.entries(tree)) {
      const have = out[key]
      if (have === undefined) out[key] = typeof value === 'string' ? value : mergeMessages(value)
      else if (typeof have !== 'string' && typeof value !== 'string') out[key] = mergeMessages(have, value)
      else throw new Error(`Translation key "${key}" is defined twice`)
    }
  }
  return out
}

/**
 * Every message of each language: the base file plus one file per feature
 * (`locales/features/<feature>.<lang>.json`, found by name), so features add their texts without
 * editing one another's.
 */
const features = import.meta.glob<Tree>('./locales/features/*.json', { eager: true, import: 'default' })
const featuresOf = (lang: 'en' | 'tr') =>
  Object.entries(features)
    .filter(([file]) => file.endsWith(`.${lang}.json`))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, tree]) => tree)

export const messages = {
  en: mergeMessages(en, ...featuresOf('en')),
  tr: mergeMessages(tr, ...featuresOf('tr')),
}
