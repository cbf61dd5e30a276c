import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { ModelPicker } from '../../components/ModelPicker'
import { PresetSelect } from '../../components/PresetSelect'
import type { ModelView } from '../../../../shared/catalog-types'
import { useFormat } from '../../i18n/format'
import { RunPanel } from './RunPanel'
import { useEnhance } from './use-enhance'
import { providerName } from '../../lib/provider-name'
import { languageName } from '../../../../shared/languages'

export function EnhancePage() {
  const { t, i18n } = useTranslation()
  const f = useFormat()
  const e = useEnhance()
  const { form } = e
  const [promptName, setPromptName] = useState('')
  const charsId = useId()
  // two chosen models of one name (GPT-OSS 20B on Groq and on Together) are told apart by provider
  const label = (m: ModelView) =>
    e.chosen.some((o) => o.key !== m.key && o.displayName === m.displayName)
      ? t('named.withProvider', { name: m.displayName, provider: providerName(m.provider) })
      : m.displayName
  // After Enhance the button is disabled while the run streams: focus goes to the result
  // instead of dropping to the page body.
  const runsRef = useRef<HTMLDivElement>(null)
  const focusRun = useRef(false)
  // checked on every change of the runs: in compare mode they appear only once the calls return
  useEffect(() => {
    const run = runsRef.current?.querySelector<HTMLElement>('[data-testid=run]')
    if (focusRun.current && run) {
      focusRun.current = false
      run.focus()
    }
  }, [e.runs])

  return (
    <section aria-labelledby="enhance-title">
      <h1 id="enhance-title">{t('enhance.title')}</h1>
      <p className="intro">{t('enhance.intro')}</p>

      <div className="card enhance-form">
        <label className="wide">
          <span>{t('enhance.transcript')}</span>
          {/* named by the label alone; the running count is its description, not part of its name */}
          <textarea
            rows={8}
            value={form.text}
            placeholder={t('enhance.transcriptPlaceholder')}
            onChange={(ev) => form.setText(ev.target.value)}
            name="transcript"
            aria-label={t('enhance.transcript')}
            aria-describedby={charsId}
          />
          <span className="muted" id={charsId}>
            {t('enhance.chars', { count: form.text.length })}
          </span>
        </label>
        <label>
          <span>{t('enhance.openFile')}</span>
          <input
            type="file"
            accept=".txt,.json,text/plain,application/json"
            onChange={(ev) => {
              const file = ev.target.files?.[0]
              if (file) void file.text().then((raw) => form.setText(transcriptFromFile(file.name, raw)))
            }}
          />
        </label>
        <div className="form-row">
          <PresetSelect label={t('enhance.preset')} value={form.preset} onChange={form.setPreset} name="preset" />
          <label>
            <span>{t('enhance.lang')}</span>
            <select value={form.lang} onChange={(ev) => form.setLang(ev.target.value)} name="lang">
              <option value="">{t('enhance.langAuto')}</option>
              {/* named in the page's language, as every other language list is */}
              <option value="tr">{languageName('tr', i18n.language)}</option>
              <option value="en">{languageName('en', i18n.language)}</option>
            </select>
          </label>
          {form.preset === 'translate' ? (
            <label>
              <span>{t('enhance.targetLang')}</span>
              <input value={form.targetLang} onChange={(ev) => form.setTargetLang(ev.target.value)} name="targetLang" />
            </label>
          ) : null}
        </div>
        {form.preset === 'custom' ? (
          <div className="form-row">
            <label className="wide">
              <span>{t('enhance.prompt')}</span>
              <textarea rows={3} value={form.prompt} onChange={(ev) => form.setPrompt(ev.target.value)} name="prompt" />
            </label>
            <label>
              <span>{t('enhance.savedPrompts')}</span>
              <select
                value=""
                onChange={(ev) => {
                  const p = e.prompts.data?.find((x) => x.id === ev.target.value)
                  if (p) form.setPrompt(p.prompt)
                }}
              >
                <option value="" />
                {(e.prompts.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>{t('enhance.promptName')}</span>
              <input value={promptName} onChange={(ev) => setPromptName(ev.target.value)} />
            </label>
            <button
              type="button"
              className="secondary"
              disabled={!promptName.trim() || !form.prompt.trim()}
              onClick={() => e.savePrompt(promptName.trim())}
            >
              {t('enhance.savePrompt')}
            </button>
          </div>
        ) : null}
      </div>

      <h2>{t('enhance.model')}</h2>
      <label className="inline">
        <input
          type="checkbox"
          checked={e.compareMode}
          onChange={(ev) => e.setCompareMode(ev.target.checked)}
          name="compareMode"
        />
        <span>{t('enhance.compareMode')}</span>
      </label>
      {e.compareMode ? <p className="muted">{t('enhance.compareAdd')}</p> : null}
      {e.compareMode && e.chosen.length ? (
        <ul className="chosen" data-testid="compare-selection">
          {e.chosen.map((m) => (
            <li key={m.key}>
              {label(m)} <span className="muted">{m.key}</span> {f.credits(m.credits)}{' '}
              <button
                type="button"
                className="secondary"
                aria-label={t('named.remove', { name: label(m) })}
                onClick={() => e.unselect(m.key)}
              >
                {t('enhance.remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <AsyncView state={e.catalog}>
        {() => (
          <ModelPicker
            models={e.models}
            balance={e.balance}
            value={e.compareMode ? null : (e.selected[0] ?? null)}
            picked={e.compareMode ? e.selected : undefined}
            onChange={e.choose}
            missingKey={e.missingKey}
          />
        )}
      </AsyncView>

      <div className="start-bar">
        <p data-testid="enhance-cost">
          {e.chosen.length === 0 ? (
            t('enhance.noModel')
          ) : e.keyless ? (
            <>
              {t('enhance.noKey', { provider: providerName(e.keyless.provider) })}{' '}
              <a href="#/settings">{t('enhance.addKeyInSettings')}</a>
            </>
          ) : e.cost > e.balance ? (
            t('enhance.cannotAfford', { credits: f.credits(e.cost), balance: f.credits(e.balance) })
          ) : e.cost === 0 ? (
            t('enhance.free', { balance: f.credits(e.balance) })
          ) : (
            t(e.compareMode ? 'enhance.costCompare' : 'enhance.cost', {
              credits: f.credits(e.cost),
              balance: f.credits(e.balance),
            })
          )}
        </p>
        <button
          type="button"
          disabled={!e.canStart}
          onClick={() => {
            focusRun.current = true
            void e.start()
          }}
        >
          {e.compareMode ? t('enhance.startCompare') : t('enhance.start')}
        </button>
      </div>
      {e.error ? (
        <p role="alert" className="error-box" data-testid="enhance-error">
          {e.error}
        </p>
      ) : null}

      {e.runs.length ? (
        <div ref={runsRef} className={`runs runs-${e.runs.length}`} role="region" aria-label={t('enhance.output')}>
          {e.runs.map((r, i) => (
            // keyed by place, not id: the id arrives after the panel shows, and a new element would lose focus
            <RunPanel key={`${i}:${r.modelKey}`} run={r} onCancel={() => e.cancel(r.id)} />
          ))}
        </div>
      ) : null}

      <h2>{t('enhance.historyTitle')}</h2>
      <AsyncView state={e.history}>
        {(items) =>
          items.length === 0 ? (
            <p className="empty">{t('enhance.historyEmpty')}</p>
          ) : (
            <table data-testid="enhance-history">
              <tbody>
                {items.map((h) => (
                  <tr key={h.id}>
                    <td>{f.dateTime(h.at)}</td>
                    <td>{h.displayName}</td>
                    <td>{t(`enhance.presets.${h.preset}`)}</td>
                    <td>{t(`enhance.status.${h.status}`)}</td>
                    <td>{h.status === 'done' ? f.credits(h.credits) : null}</td>
                    <td>
                      <button type="button" className="secondary" onClick={() => void e.open(h.id)}>
                        {t('enhance.open')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </section>
  )
}

/** A transcript JSON ({segments: [{text}]} or {text}) becomes its text; anything else is used as is. */
function transcriptFromFile(name: string, raw: string): string {
  if (!name.toLowerCase().endsWith('.json')) return raw
  try {
    const doc = JSON.parse(raw) as { text?: unknown; segments?: { text?: unknown }[] }
    if (Array.isArray(doc.segments))
      return doc.segments
        .map((s) => String(s.text ?? '').trim())
        .filter(Boolean)
        .join('\n')
    if (typeof doc.text === 'string') return doc.text
  } catch {
    // not JSON after all: show it as text
  }
  return raw
}
