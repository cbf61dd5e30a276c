import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Badge } from '../../components/Badge'
import type { SpeakersState } from './use-speakers'

/** Detect who speaks, then name them and merge two that are one person. */
export function SpeakersPanel({ sp }: { sp: SpeakersState }) {
  const { t } = useTranslation()
  const [count, setCount] = useState<'auto' | number>('auto')
  const ids = Object.keys(sp.names ?? {})
  const [mergeFrom, setMergeFrom] = useState('')
  const [mergeInto, setMergeInto] = useState('')
  const busy = sp.phase !== 'idle'
  return (
    <section className="card speakers" aria-labelledby="speakers-title" data-testid="speakers">
      <h2 id="speakers-title">{t('speakers.title')}</h2>
      {!sp.installed && sp.models.data ? (
        <p className="muted">
          {t('speakers.needModels')} <a href="#/models">{t('speakers.toModels')}</a>
        </p>
      ) : null}
      <div className="form-row">
        <label>
          <span>{t('speakers.count')}</span>
          <select
            name="speakerCount"
            value={String(count)}
            onChange={(e) => setCount(e.target.value === 'auto' ? 'auto' : Number(e.target.value))}
          >
            <option value="auto">{t('speakers.countAuto')}</option>
            {[1, 2, 3, 4, 5, 6].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={busy} onClick={() => void sp.detect(count)}>
          {ids.length ? t('speakers.detectAgain') : t('speakers.detect')}
        </button>
        {busy ? (
          <>
            <span role="status" className="muted" data-testid="speakers-progress">
              {t(sp.phase === 'audio' ? 'speakers.phaseAudio' : 'speakers.phaseSpeakers')}
            </span>
            <button type="button" className="secondary" onClick={sp.cancel}>
              {t('speakers.cancel')}
            </button>
          </>
        ) : null}
      </div>
      {sp.error || sp.notice ? (
        <p role="alert" className="error-box" data-testid="speakers-error">
          {sp.error ?? sp.notice}
        </p>
      ) : null}
      {ids.length ? (
        <>
          <ul className="speaker-list">
            {ids.map((speakerId) => (
              <SpeakerName
                key={`${speakerId}:${sp.names![speakerId]}`}
                id={speakerId}
                name={sp.names![speakerId]!}
                onRename={sp.rename}
              >
                <SpeakerVoice sp={sp} id={speakerId} />
              </SpeakerName>
            ))}
          </ul>
          {ids.length > 1 ? (
            <div className="form-row" role="group" aria-label={t('speakers.merge')}>
              <SpeakerSelect
                label={t('speakers.mergeFrom')}
                name="mergeFrom"
                names={sp.names!}
                value={mergeFrom}
                onChange={setMergeFrom}
              />
              <SpeakerSelect
                label={t('speakers.mergeInto')}
                name="mergeInto"
                names={sp.names!}
                value={mergeInto}
                onChange={setMergeInto}
              />
              <button
                type="button"
                className="secondary"
                disabled={!mergeFrom || !mergeInto || mergeFrom === mergeInto}
                onClick={() => void sp.merge(mergeFrom, mergeInto).then(() => setMergeFrom(''))}
              >
                {t('speakers.merge')}
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  )
}

function SpeakerSelect(props: {
  label: string
  name: string
  names: Record<string, string>
  value: string
  onChange: (id: string) => void
}) {
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="" />
        {Object.entries(props.names).map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Whether the voice library knows this speaker (recognised, with its score, or named), and the corrections. */
function SpeakerVoice({ sp, id }: { sp: SpeakersState; id: string }) {
  const { t, i18n } = useTranslation()
  const known = sp.known?.speakers[id]
  const others = sp.library.filter((v) => !v.otherModel && v.id !== known?.voiceId)
  if (!sp.known?.heard.includes(id)) return null
  const score = known?.score
  return (
    <span className="speaker-voice" data-testid={`speaker-voice-${id}`}>
      {known ? (
        <>
          <Badge tone="accent">
            {score !== null && score !== undefined
              ? t('voices.recognised', {
                  name: known.name,
                  score: new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 }).format(score),
                })
              : t('voices.inLibrary', { name: known.name })}
          </Badge>
          <button type="button" className="secondary small" onClick={() => void sp.rejectVoice(id)}>
            {t('voices.not', { name: known.name })}
          </button>
        </>
      ) : null}
      {others.length ? (
        <label>
          <span>{t('voices.thisIs', { id })}</span>
          <select
            name={`voice-of-${id}`}
            value=""
            onChange={(e) => {
              if (e.target.value) void sp.confirmVoice(id, e.target.value)
            }}
          >
            <option value="" />
            {others.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </span>
  )
}

function SpeakerName({
  id,
  name,
  onRename,
  children,
}: {
  id: string
  name: string
  onRename: (id: string, name: string) => Promise<void>
  children?: ReactNode
}) {
  const { t } = useTranslation()
  const [value, setValue] = useState(name)
  return (
    <li>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault()
          if (value.trim()) void onRename(id, value)
        }}
      >
        <label>
          <span>{t('speakers.nameOf', { id })}</span>
          <input name={`speaker-${id}`} value={value} maxLength={80} onChange={(e) => setValue(e.target.value)} />
        </label>
        <button type="submit" className="secondary" disabled={!value.trim() || value.trim() === name}>
          {t('speakers.rename')}
        </button>
      </form>
      {children}
    </li>
  )
}
