/** Every language whisper.cpp knows (its lang table), Turkish and English first. */
export const whisperLanguageCodes = [
  'tr',
  'en',
  'zh',
  'de',
  'es',
  'ru',
  'ko',
  'fr',
  'ja',
  'pt',
  'pl',
  'ca',
  'nl',
  'ar',
  'sv',
  'it',
  'id',
  'hi',
  'fi',
  'vi',
  'he',
  'uk',
  'el',
  'ms',
  'cs',
  'ro',
  'da',
  'hu',
  'ta',
  'no',
  'th',
  'ur',
  'hr',
  'bg',
  'lt',
  'la',
  'mi',
  'ml',
  'cy',
  'sk',
  'te',
  'fa',
  'lv',
  'bn',
  'sr',
  'az',
  'sl',
  'kn',
  'et',
  'mk',
  'br',
  'eu',
  'is',
  'hy',
  'ne',
  'mn',
  'bs',
  'kk',
  'sq',
  'sw',
  'gl',
  'mr',
  'pa',
  'si',
  'km',
  'sn',
  'yo',
  'so',
  'af',
  'oc',
  'ka',
  'be',
  'tg',
  'sd',
  'gu',
  'am',
  'yi',
  'lo',
  'uz',
  'fo',
  'ht',
  'ps',
  'tk',
  'nn',
  'mt',
  'sa',
  'lb',
  'my',
  'bo',
  'tl',
  'mg',
  'as',
  'tt',
  'haw',
  'ln',
  'ha',
  'ba',
  'jw',
  'su',
  'yue',
] as const

/**
 * whisper.cpp's own English name of each language, in the order of `whisperLanguageCodes`: the
 * engine reports a detected language by this name ("korean"), the UI shows it in its own language.
 */
const whisperNames = (
  'turkish english chinese german spanish russian korean french japanese portuguese polish catalan dutch arabic ' +
  'swedish italian indonesian hindi finnish vietnamese hebrew ukrainian greek malay czech romanian danish hungarian ' +
  'tamil norwegian thai urdu croatian bulgarian lithuanian latin maori malayalam welsh slovak telugu persian latvian ' +
  'bengali serbian azerbaijani slovenian kannada estonian macedonian breton basque icelandic armenian nepali ' +
  'mongolian bosnian kazakh albanian swahili galician marathi punjabi sinhala khmer shona yoruba somali afrikaans ' +
  'occitan georgian belarusian tajik sindhi gujarati amharic yiddish lao uzbek faroese haitian_creole pashto turkmen ' +
  'nynorsk maltese sanskrit luxembourgish myanmar tibetan tagalog malagasy assamese tatar hawaiian lingala hausa ' +
  'bashkir javanese sundanese cantonese'
)
  .split(' ')
  .map((n) => n.replace('_', ' '))
const codeOfName = new Map(whisperNames.map((n, i) => [n, whisperLanguageCodes[i]!]))

/** Turkish names for the languages a browser's trimmed language tables may lack (Chromium has no "ba", "bo"). */
const turkishNames: Record<string, string> = {
  ba: 'Başkırtça',
  bo: 'Tibetçe',
  haw: 'Hawaii dili',
  jw: 'Cava dili',
  yue: 'Kantonca',
  sa: 'Sanskritçe',
  ln: 'Lingala dili',
  tt: 'Tatarca',
  su: 'Sunda dili',
  mi: 'Maori dili',
  oc: 'Oksitanca',
  fo: 'Faroe dili',
  ht: 'Haiti Kreolü',
  nn: 'Norveççe Nynorsk',
  lb: 'Lüksemburgca',
  my: 'Birmanca',
  tl: 'Tagalogca',
  mg: 'Malgaşça',
  as: 'Assamca',
  ha: 'Hausa dili',
  sn: 'Şona dili',
  yo: 'Yorubaca',
  br: 'Bretonca',
  tk: 'Türkmence',
  tg: 'Tacikçe',
  ps: 'Peştuca',
  yi: 'Yidiş',
  lo: 'Lao dili',
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

function displayNames(uiLocale: string): (code: string) => string | undefined {
  try {
    const names = new Intl.DisplayNames([uiLocale], { type: 'language' })
    return (code) => names.of(code)
  } catch {
    // very old engines: the fallbacks below name every language
    return () => undefined
  }
}

/**
 * A spoken language named in the UI's language, from a whisper code ("ko") or whisper's own
 * English name ("korean"); null for "auto" (nothing detected), which the UI words itself.
 * `lookup` stands in for the engine's language tables (tests).
 */
export function languageName(
  value: string,
  uiLocale: string,
  lookup: (code: string) => string | undefined = displayNames(uiLocale),
): string | null {
  const v = value.trim().toLowerCase()
  if (!v || v === 'auto') return null
  const code = codeOfName.get(v) ?? v
  const index = whisperLanguageCodes.indexOf(code as (typeof whisperLanguageCodes)[number])
  const named = lookup(code === 'jw' ? 'jv' : code)
  // a table that does not know a language gives the code back
  if (named && named.toLowerCase() !== code && named.toLowerCase() !== (code === 'jw' ? 'jv' : code)) return named
  if (uiLocale.toLowerCase().startsWith('tr') && turkishNames[code]) return turkishNames[code]
  return index >= 0 ? capitalised(whisperNames[index]!) : value
}

/** [code, name] pairs, names in the UI's language; Turkish and English stay first, the rest sorted. */
export function spokenLanguages(uiLocale: string): [code: string, name: string][] {
  const lookup = displayNames(uiLocale)
  const named = whisperLanguageCodes.map((c): [string, string] => [c, languageName(c, uiLocale, lookup) ?? c])
  const [first, rest] = [named.slice(0, 2), named.slice(2)]
  return [...first, ...rest.sort((a, b) => a[1].localeCompare(b[1], uiLocale))]
}
