import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Segment } from '../../../../shared/transcribe-types'
import { useEditor } from './editor-context'
import { useFindReplace } from './use-find-replace'
import { ErrorBox } from '../../components/ErrorBox'

/** Find (with the next match scrolled into view) and replace every match across the transcript. */
export function FindReplace({ segments, language }: { segments: Segment[]; language: string }) {
  const { t } = useTranslation()
  const ed = useEditor()
  const fr = useFindReplace(ed.id, segments, language, ed.apply)
  const [at, setAt] = useState(-1)
  const next = () => {
    if (!fr.hits.length) return
    const k = (at + 1) % fr.hits.length
    setAt(k)
    document.querySelector(`[data-segment-id="${fr.hits[k]}"]`)?.scrollIntoView({ block: 'center' })
  }
  return (
    <div className="card editor-panel" role="search" aria-label={t('editor.findReplace')} data-testid="find-replace">
      <div className="form-row">
        <label>
          <span>{t('editor.find')}</span>
          <input type="search" name="find" value={fr.find} onChange={(e) => fr.setFind(e.target.value)} maxLength={500} />
        </label>
        <label>
          <span>{t('editor.replaceWith')}</span>
          <input name="replace" value={fr.replace} onChange={(e) => fr.setReplace(e.target.value)} maxLength={500} />
        </label>
        <label className="check">
          <input type="checkbox" checked={fr.wholeWord} onChange={(e) => fr.setWholeWord(e.target.checked)} />
          <span>{t('editor.wholeWord')}</span>
        </label>
        <label className="check">
          <input type="checkbox" checked={fr.matchCase} onChange={(e) => fr.setMatchCase(e.target.checked)} />
          <span>{t('editor.matchCase')}</span>
        </label>
        <button type="button" className="secondary" disabled={fr.count === 0} onClick={next}>
          {t('editor.findNext')}
        </button>
        <button type="button" disabled={fr.count === 0} onClick={() => void fr.replaceAll()}>
          {t('editor.replaceAll')}
        </button>
      </div>
      <p className="muted" role="status" data-testid="find-status">
        {fr.replaced !== null
          ? t('editor.replaced', { count: fr.replaced })
          : fr.find
            ? t('editor.matches', { count: fr.count })
            : null}
      </p>
      <ErrorBox error={fr.error} />
    </div>
  )
}
