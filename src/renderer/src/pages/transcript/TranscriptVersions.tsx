import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useFormat } from '../../i18n/format'
import { api } from '../../lib/api'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'
import { useEditor } from './editor-context'
import { ErrorBox } from '../../components/ErrorBox'

/**
 * The transcript's versions: as transcribed, then each enhancement of it with its model and
 * credits. `initial`: the one to show at once (opened from a search hit in its text).
 */
export function TranscriptVersions({ initial = null }: { initial?: string | null }) {
  const { t } = useTranslation()
  const f = useFormat()
  const ed = useEditor()
  const versions = useCall('transcripts.versions', { id: ed.id }, ['enhance.finished'])
  const [shown, setShown] = useState<{ id: string; text: string } | null>(null)
  const action = useAction()
  const show = (id: string) =>
    void action.run(async () => setShown({ id, text: (await api.invoke('enhance.output', { id })).output }))
  useEffect(() => {
    if (initial) show(initial)
    // once per version asked for in the address
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial])
  return (
    <div className="card editor-panel" data-testid="versions">
      <ol className="versions">
        {(versions.data ?? []).map((v) =>
          v.kind === 'original' ? (
            <li key="original" data-testid="version">
              {t('editor.versionOriginal', { model: v.model, date: f.dateTime(v.at) })}
            </li>
          ) : (
            <li key={v.id} data-testid="version" aria-current={shown?.id === v.id ? 'true' : undefined}>
              {t('editor.versionEnhanced', {
                preset: t(`enhance.presets.${v.preset}`),
                model: v.displayName,
                credits: f.number(v.credits),
                date: f.dateTime(v.at),
              })}{' '}
              <button type="button" className="secondary small" onClick={() => show(v.id)}>
                {t('editor.showVersion')}
              </button>
            </li>
          ),
        )}
      </ol>
      {shown ? <textarea readOnly rows={8} value={shown.text} aria-label={t('editor.versionText')} /> : null}
      <ErrorBox error={action.error} />
    </div>
  )
}
