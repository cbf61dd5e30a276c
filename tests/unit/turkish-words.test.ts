import path from 'node:path'
import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { downloadResumable } from '../../src/core/models/resumable-download'
import { checkFolders } from '../../src/core/watch/folder-check'
import { ErrorCode, errorKeys, toErrorShape } from '../../src/shared/errors'
import { languageName } from '../../src/shared/languages'
import { messages, type Tree } from '../../src/renderer/src/i18n/messages'
import { errorText } from '../../src/renderer/src/lib/error-text'
import { hostileModelServer } from '../helpers/model-server'
import { useMessages } from './use-messages'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

useMessages('tr')

/**
 * Words that only English has: one of them in a Turkish sentence means an English message got
 * through. Proper nouns and technical names a Turkish sentence uses as they are stay allowed.
 */
const englishWords =
  /\b(the|and|is|are|was|not|cannot|could|must|for|with|from|into|this|that|which|failed|download|folder|file|found|already|please|error|key|too|large|small|rejected|did|answer|done|computer|interrupted|before)\b/i
const properNouns = /\b(API|Ollama|Groq|Gemini|OpenAI|Together|whisper(\.cpp)?|ggml|GGUF|HTTP|https?|MiB|URL|CLI)\b/g
const englishIn = (text: string) => englishWords.exec(text.replace(/{{\s*\w+\s*}}/g, ' ').replace(properNouns, ' '))?.[0]

const at = (tree: Tree, key: string): unknown => key.split('.').reduce<unknown>((t, p) => (t as Tree | undefined)?.[p], tree)

async function inTurkish(err: unknown): Promise<string> {
  await i18next.changeLanguage('tr')
  return errorText(toErrorShape(err))
}

describe('no English in the Turkish UI: every error is worded by the renderer', () => {
  it('every error code and every keyed message has a wording in both languages, and the Turkish one is Turkish', () => {
    const missing: string[] = []
    const english: string[] = []
    const paths = [...ErrorCode.options.map((c) => `errors.codes.${c}`), ...Object.keys(errorKeys).map((k) => `errors.keys.${k}`)]
    for (const p of paths) {
      for (const lng of ['en', 'tr'] as const) if (typeof at(messages[lng], p) !== 'string') missing.push(`${lng}: ${p}`)
      const tr = at(messages.tr, p)
      if (typeof tr === 'string' && englishIn(tr)) english.push(`${p}: “${englishIn(tr)}” in “${tr}”`)
    }
    expect(missing).toEqual([])
    expect(english).toEqual([])
  })

  it('walks every error code × both languages: the core’s English never reaches a Turkish page', async () => {
    const message = 'The core failed before the answer was done'
    const leaked: string[] = []
    for (const code of ErrorCode.options) {
      for (const lng of ['en', 'tr'] as const) {
        await i18next.changeLanguage(lng)
        const text = errorText({ code, message })
        if (!text.trim() || /{{/.test(text)) leaked.push(`${lng} ${code}: “${text}”`)
        // a provider's or an engine's own words are quoted as theirs; nothing else is passed on
        const quoted = ['provider-error', 'engine-crashed'].includes(code)
        if (lng === 'tr' && !quoted && text.includes(message)) leaked.push(`tr ${code}: “${text}”`)
        if (lng === 'tr' && quoted && !text.includes(`“${message}”`)) leaked.push(`tr ${code} unquoted: “${text}”`)
      }
    }
    expect(leaked).toEqual([])
  })

  it('a model download that fails says it was the download and which host, not “the provider returned an error”', async () => {
    const mirror = await hostileModelServer()
    try {
      const err = await downloadResumable(`${mirror.url}/ggml-tiny.bin`, path.join(tempDir(), 'ggml-tiny.bin.part'), {
        expectedBytes: 1000,
      }).catch((e: unknown) => e)
      const tr = await inTurkish(err)
      expect(tr).not.toMatch(/Sağlayıcı|Download failed/)
      expect(tr).toContain('indirme')
      expect(tr).toContain('127.0.0.1')
      expect(tr).toContain('404')
      expect(englishIn(tr)).toBeUndefined()
    } finally {
      await mirror.close()
    }
  })

  it('a watch folder refused is said in Turkish, with the folder', async () => {
    const data = tempDir()
    const cases = [
      () => checkFolders('göreli/klasör', null, data, false),
      () => checkFolders(path.join(data, 'içeride'), null, data, false),
      () => checkFolders(path.join(tempDir(), 'olmayan'), null, data, false),
    ]
    for (const run of cases) {
      const tr = await inTurkish(await run().catch((e: unknown) => e))
      expect(tr).toMatch(/klasör/i)
      expect(englishIn(tr), tr).toBeUndefined()
    }
  })

  it('a language is named in the UI’s language, whether the engine gives a code or its own English name', () => {
    expect(languageName('ko', 'tr')).toBe('Korece')
    expect(languageName('korean', 'tr')).toBe('Korece')
    expect(languageName('sanskrit', 'tr')).toMatch(/^Sanskrit/)
    expect(languageName('sanskrit', 'en')).toBe('Sanskrit')
    expect(languageName('jw', 'en')).toBe('Javanese')
    // names the UI language's tables lack are never the raw code
    expect(languageName('bo', 'tr', () => undefined)).toBe('Tibetçe')
    expect(languageName('ba', 'tr', () => undefined)).toBe('Başkırtça')
    expect(languageName('ba', 'en', () => undefined)).toBe('Bashkir')
    expect(languageName('auto', 'tr')).toBe(null)
  })
})
