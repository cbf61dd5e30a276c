import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ExportFormat, HISTORY_PAGE_SIZE, isJobActive, isJobStopped, type Job } from '../../../../shared/transcribe-types'
import { ItemButton } from '../../components/ItemButton'
import { AsyncView } from '../../components/AsyncView'
import { LanguageSelect } from '../../components/LanguageSelect'
import { useFormat } from '../../i18n/format'
import { navigate } from '../../lib/use-route'
import { errorText } from '../../lib/error-text'
import { LibraryResults } from './LibraryResults'
import { useMissingKeys } from '../../lib/use-missing-keys'
import { FirstModel } from './FirstModel'
import { useBatchExport } from './use-batch-export'
import { useTranscribe } from './use-transcribe'
import { CloudConfirm, TranscribeModelPicker } from './TranscribeModelPicker'
import { cloudProviderOf, useCloudTranscribe } from './use-cloud-transcribe'
import { UrlImportPanel } from './UrlImportPanel'
import { ErrorBox } from '../../components/ErrorBox'

/** Loading the model or listening for speech before any audio is done: a stage, not "0 %". */
const waiting = (j: Job) =>
  j.status === 'running' && (j.stage === 'loading-model' || j.stage === 'detecting-speech') && j.progress === 0

/** A server as the user typed it, without the scheme and path ("192.168.1.5:8080"). */
function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

export function TranscribePage() {
  const { t } = useTranslation()
  const f = useFormat()
  const tr = useTranscribe()
  const batch = useBatchExport()
  const o = tr.options
  const [over, setOver] = useState(false)
  // cloud models beside the local ones; a cloud file waits for its cost (and notice) first
  const cloud = useCloudTranscribe()
  const [acknowledgedNow, setAcknowledgedNow] = useState(false)
  const missingKeys = useMissingKeys()
  // never a cloud model by default: it sends the audio away and costs credits, so it is picked or not used
  const model = o.model
  const add = (files: File[]) => {
    if (!model) return
    return cloudProviderOf(model) ? cloud.prepare(files, model) : tr.addFiles(files)
  }
  const provider = cloudProviderOf(model)

  return (
    <section aria-labelledby="transcribe-title">
      <h1 id="transcribe-title">{t('transcribe.title')}</h1>
      <p className="intro">{t('transcribe.intro')}</p>

      {tr.modelsKnown && tr.installed.length === 0 ? <FirstModel onInstalled={tr.reloadModels} /> : null}
      {tr.installed.length > 0 || cloud.cloudModels.length > 0 ? (
        <>
          <div className="card form-row">
            <TranscribeModelPicker
              value={model}
              onChange={o.setModel}
              installed={tr.installed}
              cloudModels={cloud.cloudModels}
              balance={cloud.balance}
              serverCount={cloud.servers.length}
            />
            <LanguageSelect label={t('transcribe.language')} value={o.language} onChange={o.setLanguage} name="language" />
            <label className="inline">
              <input type="checkbox" checked={o.translate} onChange={(e) => o.setTranslate(e.target.checked)} name="translate" />
              <span>{t('transcribe.translate')}</span>
            </label>
            <label className="wide">
              <span>{t('transcribe.prompt')}</span>
              <input value={o.prompt} onChange={(e) => o.setPrompt(e.target.value)} name="prompt" maxLength={2000} />
            </label>
          </div>
          <div
            className={`drop-zone${over ? ' is-over' : ''}`}
            onDragOver={(e) => {
              e.preventDefault()
              setOver(true)
            }}
            onDragLeave={() => setOver(false)}
            onDrop={(e) => {
              e.preventDefault()
              setOver(false)
              void add([...e.dataTransfer.files])
            }}
          >
            <p>
              {tr.adding
                ? t('transcribe.adding')
                : cloud.estimating
                  ? t('cloud.estimating')
                  : model
                    ? t('transcribe.drop')
                    : t('transcribe.chooseModelFirst')}
            </p>
            <label className={`button-like${model ? '' : ' is-disabled'}`}>
              <span>{t('transcribe.choose')}</span>
              <input
                type="file"
                multiple
                accept="audio/*,video/*,.mkv,.opus,.m4a,.flac"
                data-testid="media-input"
                disabled={!model}
                className="visually-hidden"
                onChange={(e) => {
                  void add([...(e.target.files ?? [])])
                  e.target.value = ''
                }}
              />
            </label>
          </div>
          <UrlImportPanel options={{ model, language: o.language, translate: o.translate, prompt: o.prompt }} />
          {cloud.pending && model ? (
            <CloudConfirm
              model={model}
              pending={cloud.pending}
              balance={cloud.balance}
              acknowledged={cloud.acknowledged}
              acknowledgedNow={acknowledgedNow}
              missingKey={provider !== null && missingKeys.has(provider)}
              setAcknowledgedNow={setAcknowledgedNow}
              onStart={() => void cloud.start(model, { language: o.language, translate: o.translate, prompt: o.prompt })}
              onCancel={cloud.drop}
            />
          ) : null}
        </>
      ) : null}
      <ErrorBox error={cloud.error} />
      <ErrorBox error={tr.error} />

      <div className="queue-head">
        <h2>{t('transcribe.queueTitle')}</h2>
        {tr.hasFinished ? (
          <button type="button" className="secondary" onClick={tr.clearFinished}>
            {t('queue.clearFinished')}
          </button>
        ) : null}
      </div>
      {tr.jobs.length === 0 ? (
        <p className="empty">{t('transcribe.queueEmpty')}</p>
      ) : (
        <ul className="jobs" data-testid="jobs">
          {tr.jobs.map((j) => (
            <li key={j.id} className="job card" data-status={j.status} data-testid="job">
              <div className="job-head">
                <strong>{j.fileName}</strong>
                <span className="badge">{t(`transcribe.status.${j.status}`)}</span>
                <span className="actions">
                  {isJobActive(j.status) ? (
                    <ItemButton action={t('transcribe.cancel')} item={j.fileName} onClick={() => tr.cancel(j.id)} secondary />
                  ) : null}
                  {isJobStopped(j.status) && j.retryable !== false ? (
                    <ItemButton action={t('transcribe.retry')} item={j.fileName} onClick={() => tr.retry(j.id)} secondary />
                  ) : null}
                  {!['running', 'queued'].includes(j.status) ? (
                    <ItemButton action={t('transcribe.remove')} item={j.fileName} onClick={() => tr.remove(j.id)} secondary />
                  ) : null}
                  {j.status === 'done' && j.transcriptId ? (
                    <ItemButton
                      action={t('transcribe.open')}
                      item={j.fileName}
                      onClick={() => navigate('transcript', j.transcriptId!)}
                    />
                  ) : null}
                </span>
              </div>
              {j.status === 'running' || j.status === 'done' ? (
                <div className="job-progress">
                  <div
                    className={`bar${waiting(j) ? ' is-indeterminate' : ''}`}
                    role="progressbar"
                    aria-label={t('transcribe.progressLabel', { file: j.fileName })}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={waiting(j) ? undefined : Math.round(j.progress * 100)}
                    aria-valuetext={j.status === 'running' && j.stage ? t(`queue.stages.${j.stage}`) : undefined}
                  >
                    <div className="bar-fill" style={{ width: `${Math.round(j.progress * 100)}%` }} />
                  </div>
                  <span data-testid="job-stage">
                    {j.status === 'running' && j.stage
                      ? waiting(j)
                        ? t(`queue.stages.${j.stage}`)
                        : t('queue.stageWithPercent', { stage: t(`queue.stages.${j.stage}`), percent: f.percent(j.progress) })
                      : f.percent(j.progress)}
                  </span>
                  {j.status === 'running' && j.etaSec !== null ? (
                    <span className="muted">{t('transcribe.eta', { eta: f.duration(j.etaSec) })}</span>
                  ) : null}
                  {j.realtimeFactor ? (
                    <span className="muted">{t('transcribe.rtf', { value: f.fixed1(1 / j.realtimeFactor) })}</span>
                  ) : null}
                </div>
              ) : null}
              {j.fallbackFrom?.length ? (
                <>
                  <p className="notice" role="status" data-testid="job-fallback">
                    {/* a job that ended otherwise than done was tried here, never "running" here */}
                    {t(
                      j.status === 'done'
                        ? 'queue.fallbackDone'
                        : isJobActive(j.status)
                          ? 'queue.fallbackRunning'
                          : 'queue.fallbackFailed',
                      { count: j.fallbackFrom.length, servers: j.fallbackFrom.map(hostOf).join(', ') },
                    )}
                  </p>
                  {/* a server's own answer is a detail, apart from the sentence */}
                  {Object.entries(j.fallbackStatus ?? {}).map(([url, status]) => (
                    <p key={url} className="muted" data-testid="job-fallback-detail">
                      {t('queue.fallbackDetail', { server: hostOf(url), status })}
                    </p>
                  ))}
                </>
              ) : null}
              {j.error ? (
                <p className="negative">
                  {j.errorReason
                    ? t(`transcribe.errors.${j.errorReason}`, { file: j.fileName })
                    : j.errorDetail
                      ? errorText({ code: 'internal', message: j.error, ...j.errorDetail })
                      : j.error}
                </p>
              ) : null}
              {j.partial ? (
                <p className="notice" role="status" data-testid="job-partial">
                  {t(j.partial.engineError ? 'transcribe.partialEngine' : 'transcribe.partial', {
                    decoded: f.fixed1(j.partial.decodedSec),
                    expected: f.fixed1(j.partial.expectedSec),
                    reason: j.partial.engineError,
                  })}
                </p>
              ) : null}
              {j.noSpeech ? (
                <p className="notice" role="status" data-testid="job-no-speech">
                  {t('transcribe.noSpeech')}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('transcribe.historyTitle')}</h2>
      <label>
        <span>{t('transcribe.search')}</span>
        <input type="search" value={tr.query} onChange={(e) => tr.setQuery(e.target.value)} name="transcriptSearch" />
      </label>
      {batch.selected.size > 0 ? (
        <div className="form-row toolbar" role="group" aria-label={t('transcribe.batchTitle')} data-testid="batch-export">
          <label>
            <span>{t('transcribe.batchFormat')}</span>
            <select name="batchFormat" value={batch.format} onChange={(e) => batch.setFormat(e.target.value as ExportFormat)}>
              {ExportFormat.options.map((fmt) => (
                <option key={fmt} value={fmt}>
                  {t(`transcript.formats.${fmt}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" disabled={batch.busy} onClick={() => void batch.run()}>
            {t('transcribe.batchExport', { count: batch.selected.size })}
          </button>
          <button type="button" className="secondary" onClick={batch.clear}>
            {t('transcribe.batchClear')}
          </button>
          <ErrorBox error={batch.error} />
        </div>
      ) : null}
      {tr.searched.trim() ? (
        <LibraryResults query={tr.searched.trim()} />
      ) : (
        <AsyncView state={tr.history}>
          {({ items }) =>
            items.length === 0 ? (
              <p className="empty">{tr.query ? t('transcribe.noMatch', { query: tr.query }) : t('transcribe.historyEmpty')}</p>
            ) : (
              <ul className="history" data-testid="transcripts">
                {items.map((m) => (
                  <li key={m.id}>
                    <input
                      type="checkbox"
                      checked={batch.selected.has(m.id)}
                      onChange={() => batch.toggle(m.id)}
                      aria-label={t('transcribe.batchSelect', { name: m.fileName })}
                    />{' '}
                    <a href={`#/transcript/${m.id}`}>
                      <strong>{m.fileName}</strong>
                    </a>{' '}
                    {m.partial ? <span className="badge">{t('transcribe.partialBadge')}</span> : null}{' '}
                    <span className="muted">
                      {[
                        f.dateTime(m.createdAt),
                        f.duration(m.durationSec),
                        t('transcribe.segments', { count: m.segmentCount }),
                      ].join(' · ')}
                    </span>
                    <p className="muted">{m.preview}</p>
                  </li>
                ))}
              </ul>
            )
          }
        </AsyncView>
      )}
      {!tr.searched.trim() && tr.historyPage.total > HISTORY_PAGE_SIZE ? (
        <nav className="form-row toolbar" aria-label={t('transcribe.pages')} data-testid="history-pages">
          <button type="button" className="secondary" disabled={!tr.historyPage.newer} onClick={() => tr.historyPage.newer?.()}>
            {t('transcribe.newer')}
          </button>
          <span aria-live="polite">
            {t('transcribe.pageRange', {
              from: f.number(tr.historyPage.from),
              to: f.number(tr.historyPage.to),
              total: f.number(tr.historyPage.total),
            })}
          </span>
          <button type="button" className="secondary" disabled={!tr.historyPage.older} onClick={() => tr.historyPage.older?.()}>
            {t('transcribe.older')}
          </button>
        </nav>
      ) : null}
    </section>
  )
}
