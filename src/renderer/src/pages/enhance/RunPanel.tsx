import { Fragment, memo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useFormat } from '../../i18n/format'
import { downloadText } from '../../lib/download'
import { runText, type RunView } from './use-enhance'

/** One model's output: streaming text, progress, then stats — or the failure, with partial text marked. */
export function RunPanel({ run, onCancel }: { run: RunView; onCancel: () => void }) {
  const { t } = useTranslation()
  const f = useFormat()
  const [copied, setCopied] = useState(false)
  const partial = run.saved?.partial || run.status === 'failed' || run.status === 'cancelled'
  // While parts stream in, each part is its own text node: a token re-renders one part, never the
  // whole (possibly megabytes long) output. The joined text is built only when it is needed.
  const streaming = !run.saved && !run.result && run.reduce === null
  const parts = streaming ? run.parts.filter(Boolean) : null
  const text = parts ? null : runText(run)
  const hasText = parts ? parts.length > 0 : Boolean(text)
  const stats = run.result?.stats
  return (
    <article
      className="run card"
      data-testid="run"
      data-status={run.status}
      aria-busy={run.status === 'running'}
      aria-label={run.displayName}
      tabIndex={-1}
    >
      <header className="run-head">
        <h3>{run.displayName}</h3>
        <code className="model-id">{run.modelKey}</code>
        {run.status === 'running' ? (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('enhance.cancel')}
          </button>
        ) : null}
      </header>
      <p className="run-status" role="status" data-testid="run-status">
        {run.status === 'running'
          ? run.retry
            ? t(`enhance.retrying.${run.retry.reason}`, {
                seconds: Math.max(1, Math.ceil(run.retry.delayMs / 1000)),
                next: run.retry.attempt + 1,
                max: run.retry.maxAttempts,
              })
            : run.progress?.phase === 'reduce'
              ? t('enhance.merging')
              : run.progress && run.progress.total > 1
                ? t('enhance.parts', { done: run.progress.done, total: run.progress.total })
                : t('enhance.running')
          : run.status === 'done'
            ? t('enhance.done')
            : run.status === 'cancelled'
              ? t(run.credits === 0 ? 'enhance.cancelledFree' : 'enhance.cancelled')
              : t(run.credits === 0 ? 'enhance.failedFree' : 'enhance.failed', { message: run.error ?? '' })}
      </p>
      {run.progress && run.progress.total > 1 && run.status === 'running' ? (
        <progress
          max={run.progress.total}
          value={run.progress.done}
          aria-label={t('enhance.parts', { done: run.progress.done, total: run.progress.total })}
        />
      ) : null}
      {partial && hasText ? <p className="warn-text">{t('enhance.partial')}</p> : null}
      <div className={`run-text${partial ? ' is-partial' : ''}`} data-testid="run-text" aria-live="polite">
        {parts
          ? parts.map((p, i) => (
              <Fragment key={i}>
                {i > 0 ? PART_SEPARATOR : null}
                <PartText text={p} />
              </Fragment>
            ))
          : text}
      </div>
      {stats && run.result ? (
        <p className="muted" data-testid="run-stats">
          {t('enhance.stats', {
            credits: f.credits(run.result.credits),
            ttft: stats.ttftMs === null ? t('enhance.none') : t('enhance.ms', { value: Math.round(stats.ttftMs) }),
            tps:
              stats.tokensPerSec === null
                ? t('enhance.none')
                : t(stats.tokensPerSecEstimated ? 'speed.runEstimated' : 'enhance.tps', {
                    value: Math.round(stats.tokensPerSec),
                  }),
            duration: t('enhance.ms', { value: Math.round(stats.durationMs) }),
          })}
        </p>
      ) : null}
      {run.status === 'done' || run.saved ? (
        <button
          type="button"
          className="secondary"
          onClick={() => downloadText(`${run.displayName.replace(/[^\p{L}\p{N}._-]+/gu, '-')}.txt`, runText(run))}
        >
          {t('enhance.download')}
        </button>
      ) : null}
      {run.status === 'done' || run.saved ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void navigator.clipboard?.writeText(runText(run)).then(() => setCopied(true))}
        >
          {copied ? t('enhance.copied') : t('enhance.copy')}
        </button>
      ) : null}
    </article>
  )
}

/** The separator runText puts between parts, so streaming and final text read the same. */
const PART_SEPARATOR = '\n\n'

/** One streamed part: re-rendered only when its own text changes. */
const PartText = memo(function PartText({ text }: { text: string }) {
  return <>{text}</>
})
