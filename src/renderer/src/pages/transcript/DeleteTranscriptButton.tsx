import { useState } from 'react'
import { useTranslation } from 'react-i18next'

/** Deleting asks twice: nothing is lost by one stray click. */
export function DeleteTranscriptButton({ onDelete }: { onDelete: () => void }) {
  const { t } = useTranslation()
  const [confirming, setConfirming] = useState(false)
  return (
    <button
      type="button"
      className={confirming ? 'danger' : 'secondary'}
      onClick={() => (confirming ? onDelete() : setConfirming(true))}
      onBlur={() => setConfirming(false)}
    >
      {confirming ? t('transcript.confirmDelete') : t('transcript.delete')}
    </button>
  )
}
