import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ExportFormat } from '../../../../shared/transcribe-types'
import { DEFAULT_WATCH_FORMATS } from '../../../../shared/calls/watch-calls'
import { useWatchFolders } from './use-watch-folders'
import { ErrorBox } from '../../components/ErrorBox'
import { errorText } from '../../lib/error-text'
import type { StoredError } from '../../../../shared/errors'

/** A full path on any of the systems the app runs on (the core checks it again, and more). */
const isFullPath = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\')
const baseName = (p: string) => p.split(/[\\/]/).filter(Boolean).at(-1) ?? p
/** A kept failure in the UI's language: from its key or code where the core kept them, else its text as written (an older record). */
const worded = (message: string | null, error: StoredError | null | undefined) =>
  error ? errorText({ ...error, message: message ?? '' }) : (message ?? '')

/** Folders whose new media is transcribed once fully written, and the files handled lately. */
export function WatchFoldersSection() {
  const { t } = useTranslation()
  const w = useWatchFolders()
  const [dir, setDir] = useState('')
  const [outDir, setOutDir] = useState('')
  const [recursive, setRecursive] = useState(false)
  const [formats, setFormats] = useState<ExportFormat[]>([...DEFAULT_WATCH_FORMATS])

  const add = async () => {
    const d = dir.trim()
    const o = outDir.trim()
    if (!isFullPath(d) || (o && !isFullPath(o))) return w.setError(t('watch.needFullPath'))
    if (!formats.length) return w.setError(t('watch.needFormat'))
    const ok = await w.add({ dir: d, outDir: o || null, recursive, formats, model: null, language: null, vad: null })
    if (ok) {
      setDir('')
      setOutDir('')
    }
  }
  const toggle = (f: ExportFormat, on: boolean) =>
    setFormats((list) => (on ? ExportFormat.options.filter((x) => x === f || list.includes(x)) : list.filter((x) => x !== f)))

  return (
    <section aria-labelledby="watch-title" data-testid="watch-section">
      <h2 id="watch-title">{t('watch.title')}</h2>
      <p className="intro">{t('watch.intro')}</p>
      {w.folders.length === 0 ? (
        <p className="empty">{t('watch.empty')}</p>
      ) : (
        <ul data-testid="watch-folders">
          {w.folders.map((f) => {
            const state = w.stateOf(f.id)
            return (
              <li key={f.id} data-enabled={f.enabled} data-state={state?.state ?? 'unknown'}>
                <code>{f.dir}</code>
                {` — ${f.outDir ? t('watch.into', { dir: f.outDir }) : t('watch.beside')}`}
                {f.recursive ? `, ${t('watch.withSubfolders')}` : ''}
                {` · ${f.formats.map((x) => t(`transcript.formats.${x}`)).join(', ')}`}
                {f.enabled ? '' : ` (${t('watch.paused')})`}
                {f.enabled && state?.state === 'stopped' ? (
                  <strong className="watch-stopped" role="status" data-testid="watch-stopped">
                    {` ${t('watch.stopped')}: ${state.reason === 'missing' ? t('watch.stoppedMissing') : worded(state.message, state.error)}`}
                  </strong>
                ) : null}{' '}
                <button
                  type="button"
                  className="secondary"
                  aria-label={t(f.enabled ? 'watch.pause' : 'watch.resume', { dir: f.dir })}
                  onClick={() => void w.setEnabled(f.id, !f.enabled)}
                >
                  {t(f.enabled ? 'watch.pauseShort' : 'watch.resumeShort')}
                </button>{' '}
                <button
                  type="button"
                  className="secondary"
                  aria-label={t('watch.remove', { dir: f.dir })}
                  onClick={() => void w.remove(f.id)}
                >
                  {t('watch.removeShort')}
                </button>
              </li>
            )
          })}
        </ul>
      )}
      <div className="form-row">
        <label>
          <span>{t('watch.dir')}</span>
          <input name="watchDir" value={dir} onChange={(e) => setDir(e.target.value)} spellCheck={false} />
        </label>
        <label>
          <span>{t('watch.outDir')}</span>
          <input name="watchOutDir" value={outDir} onChange={(e) => setOutDir(e.target.value)} spellCheck={false} />
        </label>
        <label className="inline">
          <input type="checkbox" name="watchRecursive" checked={recursive} onChange={(e) => setRecursive(e.target.checked)} />
          <span>{t('watch.recursive')}</span>
        </label>
      </div>
      <fieldset className="form-row">
        <legend>{t('watch.formats')}</legend>
        {ExportFormat.options.map((f) => (
          <label key={f} className="inline">
            <input
              type="checkbox"
              name={`watchFormat-${f}`}
              checked={formats.includes(f)}
              onChange={(e) => toggle(f, e.target.checked)}
            />
            <span>{t(`transcript.formats.${f}`)}</span>
          </label>
        ))}
      </fieldset>
      <button type="button" onClick={() => void add()}>
        {t('watch.add')}
      </button>
      <ErrorBox error={w.error} />
      <h3>{t('watch.recent')}</h3>
      {w.recent.length === 0 ? (
        <p className="empty">{t('watch.noRecent')}</p>
      ) : (
        <ul data-testid="watch-recent">
          {w.recent.map((r) => (
            <li key={r.key} data-status={r.status} title={r.path}>
              {`${baseName(r.path)}: ${t(`watch.status.${r.status}`)}`}
              {r.status === 'done' && r.outputs.length ? ` → ${r.outputs.map(baseName).join(', ')}` : ''}
              {r.status === 'failed' ? ` — ${worded(r.error, r.errorDetail)} ${t('watch.failedHint')}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
