import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useRoute } from '../../lib/use-route'
import type { Segment, TranscriptMeta } from '../../../../shared/transcribe-types'
import { FindReplace } from './FindReplace'
import { TranscriptVersions } from './TranscriptVersions'
import { WordList } from './WordList'

type Panel = 'find' | 'words' | 'versions'

/** One row of toggles for the editor's panels, so the first screen keeps its room for the transcript. */
export function EditorTools({ meta, segments }: { meta: TranscriptMeta; segments: Segment[] }) {
  const { t } = useTranslation()
  // opened from a search hit in an enhanced text: its versions, with that one shown
  const { version } = useRoute()
  const [open, setOpen] = useState<Panel | null>(version ? 'versions' : null)
  const toggle = (p: Panel) => setOpen((o) => (o === p ? null : p))
  return (
    <>
      <div className="editor-tools" role="group" aria-label={t('editor.tools')}>
        <button type="button" className="secondary small" aria-expanded={open === 'find'} onClick={() => toggle('find')}>
          {t('editor.findReplace')}
        </button>
        <button type="button" className="secondary small" aria-expanded={open === 'words'} onClick={() => toggle('words')}>
          {t('editor.wordList')}
        </button>
        <button type="button" className="secondary small" aria-expanded={open === 'versions'} onClick={() => toggle('versions')}>
          {t('editor.versions')}
        </button>
      </div>
      {open === 'find' ? <FindReplace segments={segments} language={meta.language} /> : null}
      {open === 'words' ? <WordList prompt={meta.prompt ?? ''} /> : null}
      {open === 'versions' ? <TranscriptVersions initial={version} /> : null}
    </>
  )
}
