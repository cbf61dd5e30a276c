import i18next from 'i18next'
import { expect } from 'vitest'
import { toErrorShape } from '../../src/shared/errors'
import { errorText } from '../../src/renderer/src/lib/error-text'

/**
 * Words that only English has: one of them in a Turkish sentence means English got through.
 * Proper nouns and technical names a Turkish sentence uses as they are stay allowed.
 */
const englishWords =
  /\b(the|and|is|are|was|not|no|cannot|could|must|for|with|from|into|this|that|which|failed|stopped|engine|speech|speaker|speakers|detection|recording|audio|segment|transcript|job|update|feed|download|folder|file|found|already|running|missing|damaged|please|error|key|too|did|before|first)\b/i
const properNouns = /\b(API|whisper(\.cpp)?|ggml|GGUF|HTTP|https?|MiB|URL|CLI|ffmpeg|sherpa-onnx-node|SHA-512)\b/g

/** The first English word in `text`, if any. */
export const englishIn = (text: string): string | undefined => englishWords.exec(text.replace(properNouns, ' '))?.[0]

/**
 * A core refusal as a Turkish page shows it: it carries `key`, is worded from that key (not the
 * code's generic sentence) and, around the values it was given (a file name, an engine's own
 * words), has no English. Returns the Turkish text.
 */
export function expectKeyed(err: unknown, key: string): string {
  const e = toErrorShape(err)
  expect(e.key, JSON.stringify(e)).toBe(key)
  expect(i18next.language).toBe('tr')
  const tr = errorText(e)
  expect(tr, tr).not.toBe(i18next.t(`errors.codes.${e.code}`))
  expect(tr).not.toContain(e.message)
  const frame = Object.values(e.params ?? {}).reduce<string>((t, v) => t.replaceAll(String(v), ' '), tr)
  expect(englishIn(frame), tr).toBeUndefined()
  return tr
}

/** The error of a dispatch envelope that must have failed. */
export function refusal(env: unknown): unknown {
  const e = env as { ok: boolean; error?: unknown }
  expect(e.ok, JSON.stringify(env)).toBe(false)
  return e.error
}
