import { promises as fs, statSync } from 'node:fs'
import path from 'node:path'
import { AppError, keyedError } from '../../shared/errors'
import type { SpeakerModelInfo } from '../../shared/calls/speaker-calls'
import { downloadResumable } from '../models/resumable-download'

/**
 * The two ONNX models sherpa-onnx's offline diarization needs. Both are small and come from
 * k2-fsa's sherpa-onnx model collection on Hugging Face (the same host as the whisper models; the
 * Settings mirror applies):
 * - pyannote segmentation-3.0 (MIT): who speaks in each 10 s window, up to 3 at once;
 * - 3D-Speaker CAM++ trained on VoxCeleb (Apache-2.0): a voice fingerprint per stretch, so the
 *   windows' speakers can be joined across the file. Chosen over NeMo TitaNet (CC-BY-4.0, needs
 *   attribution in the app) and WeSpeaker's VoxCeleb models (CC-BY-4.0 weights) for the plainest
 *   licence for a commercial app, and for its size (about 28 MB).
 */
export const speakerModelCatalog = [
  {
    role: 'segmentation',
    title: 'pyannote segmentation-3.0',
    trainedOn: null,
    license: 'MIT',
    sizeMiB: 5.7,
    file: 'segmentation.onnx',
    repoPath: 'csukuangfj/sherpa-onnx-pyannote-segmentation-3-0/resolve/main/model.onnx',
  },
  {
    role: 'embedding',
    title: '3D-Speaker CAM++ (VoxCeleb)',
    // its training speech is English: the page says so in its own language, apart from the name
    trainedOn: 'en',
    license: 'Apache-2.0',
    sizeMiB: 27.0,
    file: 'embedding.onnx',
    repoPath: 'csukuangfj/speaker-embedding-models/resolve/main/3dspeaker_speech_campplus_sv_en_voxceleb_16k.onnx',
  },
] as const

const DEFAULT_BASE = 'https://huggingface.co'

/** `<models folder>/speakers/`: beside the whisper models, so one folder setting moves all of them. */
export function speakerModelsDir(modelsDir: string): string {
  return path.join(modelsDir, 'speakers')
}

export function speakerModelPaths(modelsDir: string): { segmentation: string; embedding: string } {
  const dir = speakerModelsDir(modelsDir)
  return { segmentation: path.join(dir, 'segmentation.onnx'), embedding: path.join(dir, 'embedding.onnx') }
}

export function listSpeakerModels(modelsDir: string, baseUrl: string | null): SpeakerModelInfo[] {
  const paths = speakerModelPaths(modelsDir)
  return speakerModelCatalog.map((m) => {
    const file = paths[m.role]
    const size = fileSize(file)
    return {
      role: m.role,
      title: m.title,
      trainedOn: m.trainedOn,
      license: m.license,
      sizeMiB: m.sizeMiB,
      url: `${(baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '')}/${m.repoPath}`,
      path: file,
      installed: size > 0,
    }
  })
}

/**
 * Both model files, or a clear way to get them. Their content is checked by loading them
 * (sherpa-onnx refuses a damaged file with its own message, an `invalid-input` error naming the file).
 */
export function requireSpeakerModels(modelsDir: string): { segmentation: string; embedding: string } {
  const paths = speakerModelPaths(modelsDir)
  const missing = speakerModelCatalog.filter((m) => fileSize(paths[m.role]) === 0)
  if (missing.length) {
    throw keyedError(
      'not-found',
      'speaker-models-missing',
      { models: missing.map((m) => m.title).join(', ') },
      `Speaker detection needs ${missing.map((m) => m.title).join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed. ` +
        `Download them on the Models page (or run: mp4totext models pull speakers), or put the files at ${missing.map((m) => paths[m.role]).join(' and ')}. The transcript is kept without speakers.`,
    )
  }
  return paths
}

/**
 * Download both models that are missing: `.part` files resumed after an interruption, renamed
 * into place only when complete (the load at first use is the content check; there is no
 * published checksum for these files).
 */
export async function downloadSpeakerModels(
  modelsDir: string,
  baseUrl: string | null,
  opts: { fetchImpl?: typeof fetch; signal?: AbortSignal } = {},
): Promise<SpeakerModelInfo[]> {
  await fs.mkdir(speakerModelsDir(modelsDir), { recursive: true })
  for (const m of listSpeakerModels(modelsDir, baseUrl)) {
    if (m.installed) continue
    const part = `${m.path}.part`
    await downloadResumable(m.url, part, { ...opts, expectedBytes: m.sizeMiB * 1024 * 1024 })
    const size = fileSize(part)
    if (size < 100_000) {
      await fs.rm(part, { force: true })
      throw new AppError(
        'provider-error',
        `The download of ${m.title} from ${m.url} was too small (${size} bytes) to be a model.`,
      )
    }
    await fs.rename(part, m.path)
  }
  return listSpeakerModels(modelsDir, baseUrl)
}

function fileSize(file: string): number {
  try {
    const s = statSync(file)
    return s.isFile() ? s.size : 0
  } catch {
    return 0
  }
}
