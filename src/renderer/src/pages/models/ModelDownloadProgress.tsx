import { useTranslation } from 'react-i18next'
import type { ModelDownloadEvent } from '../../../../shared/model-download'
import { DownloadBar } from '../../components/DownloadBar'
import { useFormat } from '../../i18n/format'
import { errorText } from '../../lib/error-text'

const mib = (bytes: number) => Math.round(bytes / 1048576)

/** A model's download as it goes (bar, amount, speed, time left) or why it failed. */
export function ModelDownloadProgress({ label, d }: { label: string; d: ModelDownloadEvent | undefined }) {
  const { t } = useTranslation()
  const f = useFormat()
  if (d?.status === 'running')
    return (
      <DownloadBar
        label={label}
        receivedBytes={d.receivedBytes}
        totalBytes={d.totalBytes}
        caption={t('modelDownload.progress', {
          received: mib(d.receivedBytes),
          total: d.totalBytes ? mib(d.totalBytes) : '?',
          speed: f.fixed1(d.bytesPerSec / 1048576),
          eta: d.etaSec === null ? '–' : f.duration(d.etaSec),
        })}
      />
    )
  if (d?.status === 'failed')
    return (
      <p className="negative" role="alert">
        {/* a keyed failure is a whole sentence that says the download failed: not said twice */}
        {d.failure?.key ? errorText(d.failure) : t('modelDownload.failed', { message: errorText(d.failure ?? d.error) })}
      </p>
    )
  return null
}
