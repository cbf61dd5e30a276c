import en from './locales/en.json'
import tr from './locales/tr.json'
import cloudEn from './locales/features/cloud.en.json'
import cloudTr from './locales/features/cloud.tr.json'
import libraryEn from './locales/features/library.en.json'
import libraryTr from './locales/features/library.tr.json'
import localLlmEn from './locales/features/local-llm.en.json'
import localLlmTr from './locales/features/local-llm.tr.json'
import recordingEn from './locales/features/recording.en.json'
import recordingTr from './locales/features/recording.tr.json'
import speakersEn from './locales/features/speakers.en.json'
import speakersTr from './locales/features/speakers.tr.json'
import watchEn from './locales/features/watch.en.json'
import watchTr from './locales/features/watch.tr.json'
import errorsEn from './locales/features/errors.en.json'
import errorsTr from './locales/features/errors.tr.json'
import libraryDbEn from './locales/features/library-db.en.json'
import libraryDbTr from './locales/features/library-db.tr.json'
import editorEn from './locales/features/editor.en.json'
import editorTr from './locales/features/editor.tr.json'
import hardwareEn from './locales/features/hardware.en.json'
import hardwareTr from './locales/features/hardware.tr.json'

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
 * Every message of each language: the base file plus one file per feature, so features add
 * their texts without editing one another's.
 */
export const messages = {
  en: mergeMessages(
    en,
    speakersEn,
    cloudEn,
    watchEn,
    recordingEn,
    localLlmEn,
    libraryEn,
    errorsEn,
    editorEn,
    hardwareEn,
    libraryDbEn,
  ),
  tr: mergeMessages(
    tr,
    speakersTr,
    cloudTr,
    watchTr,
    recordingTr,
    localLlmTr,
    libraryTr,
    errorsTr,
    editorTr,
    hardwareTr,
    libraryDbTr,
  ),
}
