import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useEditor } from './editor-context'
import { ErrorBox } from '../../components/ErrorBox'

/** The names and jargon whisper is told to expect when this transcript is transcribed again. */
export function WordList({ prompt }: { prompt: string }) {
  const { t } = useTranslation()
  const ed = useEditor()
  const [text, setText] = useState(prompt)
  const [saved, setSaved] = useState(false)
  const action = useAction()
  useEffect(() => setText(prompt), [prompt])
  const save = () =>
    void action.run(() => api.invoke('transcripts.setPrompt', { id: ed.id, prompt: text })).then((ok) => setSaved(ok))
  return (
    <div className="card editor-panel" data-testid="word-list">
      <label className="stack">
        <span>{t('editor.wordList')}</span>
        <textarea
          name="wordList"
          rows={2}
          maxLength={2000}
          value={text}
          onChange={(e) => {
            setSaved(false)
            setText(e.target.value)
          }}
        />
      </label>
      <p className="muted">{t('editor.wordListHint')}</p>
      <div className="form-row">
        <button type="button" onClick={save}>
          {t('editor.saveWordList')}
        </button>
        {saved ? (
          <span className="positive" role="status">
            {t('transcript.saved')}
          </span>
        ) : null}
      </div>
      <ErrorBox error={action.error} />
    </div>
  )
}
