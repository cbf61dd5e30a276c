// A damaged install (a file the app ships is gone: ffmpeg, the benchmark clip, the speech model,
// sherpa-onnx-node) is refused with a key, so a Turkish page says so in Turkish. The files are
// made to be missing for this file's modules only.
import { describe, it, vi } from 'vitest'
import { benchClipPath } from '../../src/core/hardware/bench'
import { ffmpegPath } from '../../src/core/media/ffmpeg-path'
import { sherpaOnnxPath, vadModelPath } from '../../src/core/vad/vad-model'
import { expectKeyed } from './keyed-refusal'
import { useMessages } from './use-messages'

vi.mock('node:fs', async (importOriginal) => ({ ...(await importOriginal<Record<string, unknown>>()), existsSync: () => false }))
vi.mock('node:module', async (importOriginal) => {
  const original = await importOriginal<Record<string, unknown>>()
  const gone = () => {
    throw new Error('Cannot find module (removed from this install)')
  }
  return { ...original, createRequire: () => Object.assign(gone, { resolve: gone }) }
})

useMessages('tr')

const thrown = (fn: () => unknown): unknown => {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('nothing was refused')
}

describe('a file the app ships is missing', () => {
  it('ffmpeg, the benchmark clip, sherpa-onnx-node: reinstall; the speech model: reinstall or turn detection off', () => {
    expectKeyed(
      thrown(() => ffmpegPath({})),
      'app-incomplete',
    )
    expectKeyed(
      thrown(() => benchClipPath()),
      'app-incomplete',
    )
    expectKeyed(
      thrown(() => sherpaOnnxPath()),
      'app-incomplete',
    )
    expectKeyed(
      thrown(() => vadModelPath({ env: {} })),
      'vad-model-missing',
    )
  })
})
