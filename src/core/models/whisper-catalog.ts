/**
 * whisper.cpp's ggml models with the SHA-1 sums that whisper.cpp's own models/README.md pins.
 * Only these can be downloaded: a file is verified before it is ever loaded. Other ggml files
 * (q5_1, q8_0, fine-tunes) can be imported from disk.
 */
export interface WhisperCatalogEntry {
  name: string
  sizeMiB: number
  sha1: string
  languages: 'multilingual' | 'english'
  speed: 'fastest' | 'fast' | 'medium' | 'slow'
  accuracy: 'basic' | 'good' | 'better' | 'best'
  quantized: boolean
  /** memory needed to run it, roughly */
  ramMiB: number
}

export const whisperCatalog: WhisperCatalogEntry[] = [
  {
    name: 'tiny',
    sizeMiB: 75,
    sha1: 'bd577a113a864445d4c299885e0cb97d4ba92b5f',
    languages: 'multilingual',
    speed: 'fastest',
    accuracy: 'basic',
    quantized: false,
    ramMiB: 390,
  },
  {
    name: 'tiny.en',
    sizeMiB: 75,
    sha1: 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df',
    languages: 'english',
    speed: 'fastest',
    accuracy: 'basic',
    quantized: false,
    ramMiB: 390,
  },
  {
    name: 'base',
    sizeMiB: 142,
    sha1: '465707469ff3a37a2b9b8d8f89f2f99de7299dac',
    languages: 'multilingual',
    speed: 'fast',
    accuracy: 'good',
    quantized: false,
    ramMiB: 500,
  },
  {
    name: 'base.en',
    sizeMiB: 142,
    sha1: '137c40403d78fd54d454da0f9bd998f78703390c',
    languages: 'english',
    speed: 'fast',
    accuracy: 'good',
    quantized: false,
    ramMiB: 500,
  },
  {
    name: 'small',
    sizeMiB: 466,
    sha1: '55356645c2b361a969dfd0ef2c5a50d530afd8d5',
    languages: 'multilingual',
    speed: 'medium',
    accuracy: 'better',
    quantized: false,
    ramMiB: 1000,
  },
  {
    name: 'small.en',
    sizeMiB: 466,
    sha1: 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022',
    languages: 'english',
    speed: 'medium',
    accuracy: 'better',
    quantized: false,
    ramMiB: 1000,
  },
  {
    name: 'medium',
    sizeMiB: 1536,
    sha1: 'fd9727b6e1217c2f614f9b698455c4ffd82463b4',
    languages: 'multilingual',
    speed: 'slow',
    accuracy: 'better',
    quantized: false,
    ramMiB: 2600,
  },
  {
    name: 'medium.en',
    sizeMiB: 1536,
    sha1: '8c30f0e44ce9560643ebd10bbe50cd20eafd3723',
    languages: 'english',
    speed: 'slow',
    accuracy: 'better',
    quantized: false,
    ramMiB: 2600,
  },
  {
    name: 'large-v2-q5_0',
    sizeMiB: 1126,
    sha1: '00e39f2196344e901b3a2bd5814807a769bd1630',
    languages: 'multilingual',
    speed: 'slow',
    accuracy: 'best',
    quantized: true,
    ramMiB: 2000,
  },
  {
    name: 'large-v3',
    sizeMiB: 2970,
    sha1: 'ad82bf6a9043ceed055076d0fd39f5f186ff8062',
    languages: 'multilingual',
    speed: 'slow',
    accuracy: 'best',
    quantized: false,
    ramMiB: 4700,
  },
  {
    name: 'large-v3-q5_0',
    sizeMiB: 1126,
    sha1: 'e6e2ed78495d403bef4b7cff42ef4aaadcfea8de',
    languages: 'multilingual',
    speed: 'slow',
    accuracy: 'best',
    quantized: true,
    ramMiB: 2000,
  },
  {
    name: 'large-v3-turbo',
    sizeMiB: 1536,
    sha1: '4af2b29d7ec73d781377bfd1758ca957a807e941',
    languages: 'multilingual',
    speed: 'medium',
    accuracy: 'best',
    quantized: false,
    ramMiB: 2600,
  },
  {
    name: 'large-v3-turbo-q5_0',
    sizeMiB: 547,
    sha1: 'e050f7970618a659205450ad97eb95a18d69c9ee',
    languages: 'multilingual',
    speed: 'fast',
    accuracy: 'best',
    quantized: true,
    ramMiB: 1200,
  },
]

/** The best model this machine can run comfortably (CPU only here: no GPU is assumed). */
export function recommendModel(totalRamMiB: number): string {
  if (totalRamMiB >= 16_384) return 'large-v3-turbo'
  if (totalRamMiB >= 8192) return 'large-v3-turbo-q5_0'
  if (totalRamMiB >= 4096) return 'small'
  return 'base'
}

export const DEFAULT_MODEL_BASE_URL = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main'
export const modelFileName = (name: string) => `ggml-${name}.bin`
