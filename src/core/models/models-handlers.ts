import type { HandlersOf } from '../../shared/contract'
import type { WhisperModelInfo } from '../../shared/transcribe-types'
import type { HardwareService } from '../hardware/hardware-service'
import type { ModelDownloads } from './model-downloads'
import type { ModelManager } from './model-manager'

/** The whisper models: list (with this machine's measured speed), download, import, delete. */
export function modelsHandlers(deps: {
  models: ModelManager
  downloads: ModelDownloads
  hardware: HardwareService
}): HandlersOf<'models'> {
  const { models, downloads, hardware } = deps
  /** the model list with this machine's measured speeds; once measured, speed decides the recommendation */
  const withSpeed = async (list: WhisperModelInfo[]): Promise<WhisperModelInfo[]> => {
    const status = await hardware.status()
    if (status.bench.length === 0) return list
    const rtf = (name: string) => status.bench.find((b) => b.model === name && b.backend === status.chosen.backend)?.rtf ?? null
    return list.map((m) => ({ ...m, measuredRtf: rtf(m.name), recommended: m.name === status.recommendedModel }))
  }
  return {
    'models.list': async () => withSpeed(await models.list()),
    'models.download': async ({ name }) => ({ started: downloads.start(name) }),
    'models.cancelDownload': async ({ name }) => ({ cancelled: downloads.cancel(name) }),
    'models.delete': async ({ name }) => {
      await models.remove(name)
      return withSpeed(await models.list())
    },
    'models.import': async ({ path: file }) => {
      await models.importFile(file)
      return withSpeed(await models.list())
    },
  }
}
