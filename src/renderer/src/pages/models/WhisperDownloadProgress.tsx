import { useTranslation } from 'react-i18next'
import { DownloadBar } from '../../components/DownloadBar'
import { useFormat } from '../../i18n/format'
import { errorText } from '../../lib/error-text'
import type { useWhisperModels } from './use-whisper-models'

type Download = ReturnType<typeof useWhisperModels>['downloads'][string]

const mib = (bytes: number) => Math.round(bytes / 1048576)

/** A whisper model's download as it goes (bar, amount, speed, time left) or why it failed. */
export function WhisperDownloadProgress({ name, d, running }: { name: string; d: Download | undefined; running: boolean }) {
  const { t } = useTranslation()
  const f = useFormat()
  return (
    <>
      {running && d ? (
        <DownloadBar
          label={name}
          receivedBytes={d.receivedBytes}
          totalBytes={d.totalBytes}
          caption={t('whisper.downloading', {
            received: mib(d.receivedBytes),
            total: d.totalBytes ? mib(d.totalBytes) : '?',
            speed: f.fixed1(d.bytesPerSec / 1048576),
            eta: d.etaSec === null ? '–' : f.duration(d.etaSec),
          })}
        />
      ) : null}
      {d?.status === 'failed' ? (
        <p className="negative" role="alert">
          {t('whisper.downloadFailed', { message: errorText(d.failure ?? d.error) })}
        </p>
      ) : null}
    </>
  )
}
