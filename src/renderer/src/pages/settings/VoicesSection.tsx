import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { VoiceInfo, VoiceList } from '../../../../shared/calls/voice-calls'
import { api } from '../../lib/api'
import { downloadText } from '../../lib/download'
import { useAction } from '../../lib/use-action'
import { useCall } from '../../lib/use-call'

/**
 * The voice library: speakers the user named, recognised in later files. Rename, merge, forget,
 * export and import (a JSON file the user keeps); the threshold and whether naming keeps a voice.
 * Everything stays on this computer.
 */
export function VoicesSection() {
  const { t, i18n } = useTranslation()
  const list = useCall('voices.list', {}, ['transcripts.changed'])
  const action = useAction()
  const [data, setData] = useState<VoiceList | undefined>()
  const [message, setMessage] = useState<string | null>(null)
  const [mergeFrom, setMergeFrom] = useState('')
  const [mergeInto, setMergeInto] = useState('')
  const shown = data ?? list.data
  const nf = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 })
  const apply = (fn: () => Promise<VoiceList>) =>
    action.run(async () => {
      setMessage(null)
      setData(await fn())
    })
  const steps = [...new Set([0.5, 0.6, 0.7, 0.8, 0.9, shown?.threshold ?? 0.6])].sort((a, b) => a - b)

  return (
    <section className="card settings voices" aria-labelledby="voices-title" data-testid="voices">
      <h2 id="voices-title">{t('voices.title')}</h2>
      <p className="muted">{t('voices.intro')}</p>
      {shown?.damaged ? (
        <div role="alert" className="error-box" data-testid="voices-damaged">
          <p>{t('voices.damaged', { copy: shown.damaged.copy })}</p>
          <button
            type="button"
            className="secondary small"
            onClick={() => void apply(() => api.invoke('voices.dismissDamaged', {}))}
          >
            {t('voices.dismiss')}
          </button>
        </div>
      ) : null}
      {action.error ? (
        <p role="alert" className="error-box" data-testid="voices-error">
          {action.error}
        </p>
      ) : null}
      {message ? (
        <p role="status" className="muted" data-testid="voices-status">
          {message}
        </p>
      ) : null}
      {shown ? (
        <>
          <div className="form-row">
            <label>
              <input
                type="checkbox"
                name="voicesRemember"
                checked={shown.remember}
                onChange={(e) => void apply(() => api.invoke('voices.settings', { remember: e.target.checked }))}
              />{' '}
              <span>{t('voices.remember')}</span>
            </label>
            <label>
              <span>{t('voices.threshold')}</span>
              <select
                name="voicesThreshold"
                value={String(shown.threshold)}
                onChange={(e) => void apply(() => api.invoke('voices.settings', { threshold: Number(e.target.value) }))}
              >
                {steps.map((n) => (
                  <option key={n} value={String(n)}>
                    {nf.format(n)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="muted">{t('voices.thresholdHint')}</p>
          {shown.voices.length === 0 ? (
            <p className="muted" data-testid="voices-empty">
              {t('voices.empty')}
            </p>
          ) : (
            <ul className="voice-list" data-testid="voice-list">
              {shown.voices.map((v) => (
                <VoiceRow
                  key={`${v.id}:${v.name}`}
                  voice={v}
                  onRename={(name) => apply(() => api.invoke('voices.rename', { voiceId: v.id, name }))}
                  onForget={() => {
                    if (window.confirm(t('voices.forgetConfirm', { name: v.name })))
                      void apply(() => api.invoke('voices.forget', { voiceId: v.id }))
                  }}
                />
              ))}
            </ul>
          )}
          {shown.voices.length > 1 ? (
            <div className="form-row" role="group" aria-label={t('voices.merge')}>
              <VoiceSelect
                label={t('voices.mergeFrom')}
                name="voiceMergeFrom"
                voices={shown.voices}
                value={mergeFrom}
                onChange={setMergeFrom}
              />
              <VoiceSelect
                label={t('voices.mergeInto')}
                name="voiceMergeInto"
                voices={shown.voices}
                value={mergeInto}
                onChange={setMergeInto}
              />
              <button
                type="button"
                className="secondary"
                disabled={!mergeFrom || !mergeInto || mergeFrom === mergeInto}
                onClick={() =>
                  void apply(() => api.invoke('voices.merge', { from: mergeFrom, into: mergeInto })).then(() => setMergeFrom(''))
                }
              >
                {t('voices.merge')}
              </button>
            </div>
          ) : null}
          <div className="form-row">
            <button
              type="button"
              className="secondary"
              disabled={shown.voices.length === 0}
              onClick={() =>
                void action.run(async () => {
                  const file = await api.invoke('voices.export', {})
                  downloadText(file.fileName, file.content)
                })
              }
            >
              {t('voices.export')}
            </button>
            <label className="file-button">
              <span>{t('voices.import')}</span>
              <input
                type="file"
                name="voicesImport"
                accept="application/json,.json"
                onChange={(e) => {
                  const file = e.target.files?.[0]
                  e.target.value = ''
                  if (!file) return
                  void action.run(async () => {
                    const result = await api.invoke('voices.import', { content: await file.text() })
                    setData(result.list)
                    setMessage(t('voices.imported', { added: result.added, merged: result.merged, skipped: result.skipped }))
                  })
                }}
              />
            </label>
          </div>
          <p className="muted">{t('voices.privacy')}</p>
        </>
      ) : null}
    </section>
  )
}

function VoiceRow({
  voice,
  onRename,
  onForget,
}: {
  voice: VoiceInfo
  onRename: (name: string) => Promise<boolean>
  onForget: () => void
}) {
  const { t } = useTranslation()
  const [value, setValue] = useState(voice.name)
  return (
    <li data-testid="voice">
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault()
          if (value.trim()) void onRename(value)
        }}
      >
        <label>
          <span>{t('voices.nameOf', { name: voice.name })}</span>
          <input name={`voice-${voice.id}`} value={value} maxLength={80} onChange={(e) => setValue(e.target.value)} />
        </label>
        <span className="muted">{t('voices.samples', { count: voice.samples })}</span>
        {voice.otherModel ? <span className="muted">{t('voices.otherModel')}</span> : null}
        <button type="submit" className="secondary" disabled={!value.trim() || value.trim() === voice.name}>
          {t('voices.rename')}
        </button>
        <button type="button" className="secondary" onClick={onForget}>
          {t('voices.forget', { name: voice.name })}
        </button>
      </form>
    </li>
  )
}

function VoiceSelect(props: { label: string; name: string; voices: VoiceInfo[]; value: string; onChange: (id: string) => void }) {
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="" />
        {props.voices.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </select>
    </label>
  )
}
