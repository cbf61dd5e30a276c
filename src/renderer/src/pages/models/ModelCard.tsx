import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { ModelDownloadEvent } from '../../../../shared/model-download'
import { ItemButton } from '../../components/ItemButton'
import { ModelDownloadProgress } from './ModelDownloadProgress'

/**
 * One model on the Models page, whisper or built-in: its name and badges, the download / cancel /
 * delete buttons its state allows (plus the section's own), details, and the live download.
 */
export function ModelCard({
  name,
  title,
  badges,
  installed,
  downloadable,
  download,
  actions,
  children,
  onDownload,
  onCancel,
  onDelete,
}: {
  name: string
  title: string
  badges: ReactNode
  installed: boolean
  downloadable: boolean
  download: ModelDownloadEvent | undefined
  /** the section's own buttons, shown before the download ones */
  actions?: ReactNode
  children?: ReactNode
  onDownload: () => void
  onCancel: () => void
  onDelete: () => void
}) {
  const { t } = useTranslation()
  const running = download?.status === 'running'
  return (
    <li className="card" data-model={name}>
      <div className="job-head">
        <strong>{title}</strong>
        {badges}
        <span className="actions">
          {actions}
          {!installed && downloadable && !running ? (
            <ItemButton action={t('modelDownload.download')} item={name} onClick={onDownload} />
          ) : null}
          {running ? <ItemButton action={t('modelDownload.cancel')} item={name} onClick={onCancel} secondary /> : null}
          {installed ? <ItemButton action={t('modelDownload.delete')} item={name} onClick={onDelete} secondary /> : null}
        </span>
      </div>
      {children}
      <ModelDownloadProgress label={title} d={download} />
    </li>
  )
}
