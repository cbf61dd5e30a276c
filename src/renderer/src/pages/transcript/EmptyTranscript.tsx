import { useTranslation } from 'react-i18next'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { navigate } from '../../lib/use-route'
import { DeleteTranscriptButton } from './DeleteTranscriptButton'
import { ErrorBox } from '../../components/ErrorBox'

/**
 * A transcript with no text: exports, Enhance and speakers have nothing to work on, so the one
 * way forward is offered instead — the same file again with speech detection off, which hears
 * quiet or distant speech that detection skipped.
 */
export function EmptyTranscript({ id, onDelete }: { id: string; onDelete: () => void }) {
  const { t } = useTranslation()
  const action = useAction()
  const again = () =>
    void action
      .run(() => api.invoke('transcripts.transcribeAgain', { id, vad: false }))
      .then((ok) => ok && navigate('transcribe'))
  return (
    <div className="form-row toolbar" data-testid="empty-transcript">
      <button type="button" onClick={again}>
        {t('editor.transcribeAgainNoVad')}
      </button>
      <DeleteTranscriptButton onDelete={onDelete} />
      <ErrorBox error={action.error} />
    </div>
  )
}
