import { Fragment, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { shapeCues } from '../../../../shared/subtitle-cues'
import { languageName } from '../../../../shared/languages'
import {
  ExportFormat,
  FRAME_RATES,
  type DocumentOptions,
  type Segment,
  type SubtitleRules,
} from '../../../../shared/transcribe-types'
import { AsyncView } from '../../components/AsyncView'
import { LanguageSelect } from '../../components/LanguageSelect'
import { useFormat } from '../../i18n/format'
import { navigate } from '../../lib/use-route'
import { DeleteTranscriptButton } from './DeleteTranscriptButton'
import { EditorContext } from './editor-context'
import { EditorTools } from './EditorTools'
import { EmptyTranscript } from './EmptyTranscript'
import { SegmentTools } from './SegmentTools'
import { SpeakersPanel } from './SpeakersPanel'
import { useSpeakers } from './use-speakers'
import { useOpenAt } from './use-open-at'
import { usePlayerKeys } from './use-player-keys'
import { useTranscript } from './use-transcript'
import { Waveform } from './Waveform'
import './editor.css'
import { ErrorBox } from '../../components/ErrorBox'

/** <video> for files with a picture, <audio> otherwise; the same controls and wiring either way. */
function MediaElement({
  kind,
  src,
  onTimeUpdate,
  mediaRef,
}: {
  kind: 'video' | 'audio'
  src: string
  onTimeUpdate: () => void
  mediaRef: (el: HTMLMediaElement | null) => void
}) {
  const Tag = kind
  return <Tag ref={mediaRef} src={src} controls preload="metadata" onTimeUpdate={onTimeUpdate} data-testid="player" />
}

function SegmentRow({
  segment,
  active,
  saved,
  onSeek,
  onSave,
  fastCps,
  currentWord,
  selected,
  onSelect,
  redone,
  speakers,
  onAssign,
}: {
  segment: Segment
  active: boolean
  saved: boolean
  onSeek: () => void
  onSave: (text: string) => void
  /** characters per second of a subtitle cue in this segment that reads too fast (null: none) */
  fastCps: number | null
  /** the word being played, when this segment is the current one and has word timing */
  currentWord: number | null
  /** chosen for a re-transcription */
  selected: boolean
  onSelect: () => void
  /** written by the last re-transcription */
  redone: boolean
  /** the transcript's speakers (id → name), once detected */
  speakers: Record<string, string> | undefined
  onAssign: (speaker: string) => void
}) {
  const { t } = useTranslation()
  const f = useFormat()
  const [editing, setEditing] = useState(false)
  const [text, setText] = useState(segment.text)
  return (
    <li
      className={`segment${active ? ' is-current' : ''}`}
      data-testid="segment"
      data-segment-id={segment.id}
      aria-current={active ? 'true' : undefined}
    >
      <input
        type="checkbox"
        className="segment-select"
        checked={selected}
        onChange={onSelect}
        aria-label={t('transcript.selectSegment', { time: f.duration(segment.start) })}
      />
      <button type="button" className="segment-time" onClick={onSeek} data-start={segment.start}>
        {f.duration(segment.start)}
      </button>
      {speakers ? (
        <select
          className="segment-speaker"
          data-testid="segment-speaker"
          value={segment.speaker ?? ''}
          aria-label={t('speakers.speakerOf', { time: f.duration(segment.start) })}
          onChange={(e) => onAssign(e.target.value)}
        >
          {segment.speaker ? null : <option value="" />}
          {Object.entries(speakers).map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
          <option value={nextSpeakerId(speakers)}>{t('speakers.newSpeaker')}</option>
        </select>
      ) : null}
      {editing ? (
        <form
          className="segment-edit"
          onSubmit={(e) => {
            e.preventDefault()
            onSave(text)
            setEditing(false)
          }}
        >
          <textarea value={text} onChange={(e) => setText(e.target.value)} rows={2} aria-label={t('transcript.edit')} autoFocus />
          <button type="submit">{t('transcript.save')}</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setText(segment.text)
              setEditing(false)
            }}
          >
            {t('transcript.cancelEdit')}
          </button>
        </form>
      ) : (
        <>
          <span className="segment-text" onClick={onSeek}>
            {active && segment.words?.length && segment.words.map((w) => w.text).join(' ') === segment.text.trim()
              ? segment.words.map((w, i) => (
                  <Fragment key={i}>
                    {i > 0 ? ' ' : null}
                    <span
                      className={i === currentWord ? 'word is-current-word' : 'word'}
                      data-testid={i === currentWord ? 'current-word' : undefined}
                    >
                      {w.text}
                    </span>
                  </Fragment>
                ))
              : segment.text}
          </span>
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              // from the segment as it is now (a re-transcription may have put another one here)
              setText(segment.text)
              setEditing(true)
            }}
          >
            {t('transcript.edit')}
          </button>
          <SegmentTools segment={segment} />
          {saved ? <span className="positive">{t('transcript.saved')}</span> : null}
          {redone ? (
            <span className="badge" data-testid="redone">
              {t('transcript.redone')}
            </span>
          ) : null}
          {fastCps !== null ? (
            <span className="badge badge-warn" data-testid="too-fast" title={t('transcript.tooFastHint')}>
              {t('transcript.tooFast', { cps: f.fixed1(fastCps) })}
            </span>
          ) : null}
        </>
      )}
    </li>
  )
}

export function TranscriptPage({ param }: { param: string | null }) {
  const { t, i18n } = useTranslation()
  const f = useFormat()
  const tr = useTranscript(param ?? '')
  const sp = useSpeakers(param ?? '', tr.data.data?.meta, tr.setSegments)
  useOpenAt(tr.segments, tr.media)
  usePlayerKeys(tr.media)
  // SRT/VTT shaping: broadcast norms unless the user picks otherwise; the editor marks the
  // segments whose subtitles would read too fast under these rules
  const [rules, setRules] = useState<SubtitleRules>({ maxLineChars: 42, maxLines: 2, maxCps: 17 })
  const fast = useMemo(() => tooFastSegments(tr.segments, rules), [tr.segments, rules])
  const [doc, setDoc] = useState<DocumentOptions>({ speakers: true, timestamps: true })
  // re-transcribing a selection: with an installed model (the transcript's own by default) and a language
  const installed = (tr.models.data ?? []).filter((m) => m.installed)
  const [redoModel, setRedoModel] = useState('')
  const [redoLang, setRedoLang] = useState('auto')
  // nothing to export, enhance or label: the page offers transcribing again instead
  const empty = tr.data.data?.segments.length === 0 && tr.segments.length === 0
  return (
    <section aria-labelledby="transcript-title">
      <a href="#/transcribe">{t('transcript.back')}</a>
      <AsyncView state={tr.data}>
        {({ meta }) => (
          <EditorContext.Provider
            value={{
              id: meta.id,
              apply: tr.apply,
              media: tr.media,
              durationSec: meta.durationSec,
              lastId: tr.segments.length - 1,
            }}
          >
            <h1 id="transcript-title">{meta.fileName}</h1>
            <p className="muted">
              {t('transcript.meta', {
                duration: f.duration(meta.durationSec),
                language: languageName(meta.language, i18n.language) ?? t('transcript.languageUnknown'),
                model: meta.model,
              })}
            </p>
            {meta.partial ? (
              <p className="notice" role="status" data-testid="transcript-partial">
                {t(meta.partial.engineError ? 'transcript.partialEngine' : 'transcript.partial', {
                  decoded: f.fixed1(meta.partial.decodedSec),
                  expected: f.fixed1(meta.partial.expectedSec),
                  reason: meta.partial.engineError,
                })}
              </p>
            ) : null}
            {meta.noSpeech ? (
              <p className="notice" role="status" data-testid="transcript-no-speech">
                {t('transcribe.noSpeech')}
              </p>
            ) : null}
            {/* audio: the waveform beside the controls, so the first screen keeps its room for the transcript */}
            <div className={`player card${meta.hasVideo ? '' : ' is-audio'}`} role="region" aria-label={t('transcript.player')}>
              <MediaElement
                kind={meta.hasVideo ? 'video' : 'audio'}
                src={tr.mediaUrl}
                onTimeUpdate={tr.onTime}
                mediaRef={(el) => void (tr.media.current = el)}
              />
              {empty ? null : <Waveform segments={tr.segments} current={tr.current} />}
            </div>
            {empty ? <EmptyTranscript id={meta.id} onDelete={() => void tr.remove()} /> : null}
            <div className="form-row toolbar" role="toolbar" aria-label={t('transcript.export')} hidden={empty}>
              <span className="muted">{t('transcript.export')}</span>
              {ExportFormat.options
                .filter((fmt) => !FOLDED_FORMATS.includes(fmt))
                .map((fmt) => (
                  <button key={fmt} type="button" className="secondary" onClick={() => void tr.exportAs(fmt, rules, doc)}>
                    {t(`transcript.formats.${fmt}`)}
                  </button>
                ))}
              {/* what a document (Markdown, DOCX) shows beside the text: folded, so the toolbar stays one line */}
              <details className="export-options">
                <summary>{t('transcript.docOptions')}</summary>
                <label className="inline">
                  <input
                    type="checkbox"
                    name="docSpeakers"
                    checked={doc.speakers}
                    onChange={(e) => setDoc({ ...doc, speakers: e.target.checked })}
                  />
                  <span>{t('transcript.docSpeakers')}</span>
                </label>
                <label className="inline">
                  <input
                    type="checkbox"
                    name="docTimestamps"
                    checked={doc.timestamps}
                    onChange={(e) => setDoc({ ...doc, timestamps: e.target.checked })}
                  />
                  <span>{t('transcript.docTimestamps')}</span>
                </label>
                {FOLDED_FORMATS.map((fmt) => (
                  <button key={fmt} type="button" className="secondary" onClick={() => void tr.exportAs(fmt, rules, doc)}>
                    {t(`transcript.formats.${fmt}`)}
                  </button>
                ))}
                {/* the system's print dialog, which saves as PDF too; the print style shows only the transcript */}
                <button type="button" className="secondary" onClick={() => window.print()}>
                  {t('transcript.print')}
                </button>
              </details>
              <button type="button" onClick={() => tr.enhance(sp.names)}>
                {t('transcript.enhance')}
              </button>
            </div>
            <details className="subtitle-rules" hidden={empty}>
              <summary>{t('transcript.subtitleRules')}</summary>
              <div className="form-row">
                {ruleChoices.map(([name, options]) => (
                  <label key={name}>
                    <span>{t(`transcript.rules.${name}`)}</span>
                    <select
                      name={name}
                      value={rules[name]}
                      onChange={(e) => setRules({ ...rules, [name]: Number(e.target.value) })}
                    >
                      {options.map((n) => (
                        <option key={n} value={n}>
                          {f.number(n)}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
                {/* cues are two frames apart: the video's own rate unless another is chosen */}
                <label>
                  <span>{t('transcript.rules.frameRate')}</span>
                  <select
                    name="frameRate"
                    value={rules.frameRate ?? ''}
                    onChange={(e) => setRules({ ...rules, frameRate: e.target.value ? Number(e.target.value) : undefined })}
                  >
                    <option value="">
                      {meta.frameRate
                        ? t('transcript.rules.frameRateOwn', { fps: f.number(meta.frameRate) })
                        : t('transcript.rules.frameRateDefault')}
                    </option>
                    {FRAME_RATES.map((n) => (
                      <option key={n} value={n}>
                        {f.number(n)}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
            </details>
            <ErrorBox error={tr.error} />
            {empty ? null : <EditorTools meta={meta} segments={tr.segments} />}
            {empty ? null : <SpeakersPanel sp={sp} />}
            <h2>{t('transcript.segments')}</h2>
            {tr.selected.size > 0 ? (
              <div className="form-row toolbar" role="group" aria-label={t('transcript.redoTitle')} data-testid="redo-bar">
                <span className="muted">{t('transcript.redoSelected', { count: tr.selected.size })}</span>
                <label>
                  <span>{t('transcript.redoModel')}</span>
                  <select name="redoModel" value={redoModel} onChange={(e) => setRedoModel(e.target.value)}>
                    <option value="">{t('transcript.redoSameModel', { model: meta.model })}</option>
                    {installed.map((m) => (
                      <option key={m.name} value={m.name}>
                        {m.name}
                      </option>
                    ))}
                  </select>
                </label>
                <LanguageSelect
                  label={t('transcript.redoLanguage')}
                  name="redoLanguage"
                  value={redoLang}
                  onChange={setRedoLang}
                />
                <button
                  type="button"
                  disabled={tr.redoing}
                  onClick={() => void tr.retranscribe(redoModel || undefined, redoLang)}
                >
                  {tr.redoing ? t('transcript.redoing') : t('transcript.redo')}
                </button>
              </div>
            ) : null}
            {tr.redone ? (
              <div className="form-row toolbar" role="status" data-testid="redo-done">
                <span>{t('transcript.redoDone', { count: tr.redone.changed.size })}</span>
                <button type="button" className="secondary" onClick={() => void tr.undoRedo()}>
                  {t('transcript.undoRedo')}
                </button>
              </div>
            ) : null}
            {tr.segments.length === 0 ? (
              <p className="empty">{t('transcript.empty')}</p>
            ) : (
              <ol className="segments" data-testid="segments">
                {tr.segments.map((s) => (
                  <SegmentRow
                    // ids are positions: a re-transcription puts other segments at the same ids
                    key={s.id}
                    segment={s}
                    active={tr.current === s.id}
                    saved={tr.savedId === s.id}
                    onSeek={() => tr.seek(s)}
                    onSave={(text) => void tr.save(s.id, text)}
                    fastCps={fast.get(s.id) ?? null}
                    currentWord={tr.current === s.id ? tr.currentWord : null}
                    selected={tr.selected.has(s.id)}
                    onSelect={() => tr.toggle(s.id)}
                    redone={tr.redone?.changed.has(s.id) ?? false}
                    speakers={sp.names}
                    onAssign={(speaker) => void sp.assign(s.id, speaker)}
                  />
                ))}
              </ol>
            )}
            {/* at the end, away from the tools used while editing */}
            {empty ? null : (
              <p>
                <DeleteTranscriptButton onDelete={() => void tr.remove()} />
              </p>
            )}
          </EditorContext.Provider>
        )}
      </AsyncView>
      {param === null ? (
        <button type="button" onClick={() => navigate('transcribe')}>
          {t('transcript.back')}
        </button>
      ) : null}
    </section>
  )
}

/** The id a new speaker gets: one past the highest S-number in use. */
function nextSpeakerId(speakers: Record<string, string>): string {
  const used = Object.keys(speakers).map((id) => Number(id.slice(1)) || 0)
  return `S${Math.max(0, ...used) + 1}`
}

/** Exports offered beside the document options rather than on the toolbar's line (which stays one line at 900 px). */
const FOLDED_FORMATS: readonly ExportFormat[] = ['docx']

const ruleChoices: [keyof SubtitleRules, number[]][] = [
  ['maxLineChars', [32, 37, 42, 50]],
  ['maxLines', [1, 2]],
  ['maxCps', [15, 17, 20, 25]],
]

/** Segment id → the fastest too-fast cue's reading speed, for the cues that overlap the segment. */
function tooFastSegments(segments: Segment[], rules: SubtitleRules): Map<number, number> {
  const out = new Map<number, number>()
  const fast = shapeCues(segments, rules).filter((c) => c.tooFast)
  for (const c of fast)
    for (const s of segments) if (s.start < c.end && c.start < s.end) out.set(s.id, Math.max(out.get(s.id) ?? 0, c.cps))
  return out
}
