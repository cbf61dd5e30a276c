import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { AsyncView } from '../../components/AsyncView'
import { DiffTable } from '../../components/DiffTable'
import { useFormat } from '../../i18n/format'
import { usePricing } from './use-pricing'

function EditForm({ p }: { p: ReturnType<typeof usePricing> }) {
  const { t } = useTranslation()
  const f = useFormat()
  const [key, setKey] = useState('')
  const [multiplier, setMultiplier] = useState('')
  const [active, setActive] = useState<'same' | 'on' | 'off'>('same')
  const [reason, setReason] = useState('')
  // local and built-in models have no catalog row to price
  const models = (p.catalog.data ?? []).filter((m) => !m.local)
  const valid = key !== '' && reason.trim() !== '' && (multiplier.trim() !== '' || active !== 'same')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const model = models.find((m) => m.key === key)
    if (!valid || !model) return
    void p.edit({
      provider: model.provider,
      modelId: model.modelId,
      // a decimal comma is how Turkish writes 0,5; the core reads a dot
      ...(multiplier.trim() ? { multiplier: multiplier.trim().replace(',', '.') } : {}),
      ...(active !== 'same' ? { active: active === 'on' } : {}),
      reason,
    })
  }
  return (
    <form className="card form-row" onSubmit={submit} aria-labelledby="edit-title">
      <h2 id="edit-title">{t('pricing.editTitle')}</h2>
      <label>
        <span>{t('pricing.model')}</span>
        <select value={key} onChange={(e) => setKey(e.target.value)} name="model">
          <option value="" />
          {models.map((m) => (
            <option key={m.key} value={m.key}>
              {`${m.key} (${t('picker.multiplier', { value: f.multiplier(m.multiplier) })})`}
              {m.kind === 'transcription' ? ` — ${t('cloud.kindTranscription')}` : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('pricing.multiplier')}</span>
        <input value={multiplier} onChange={(e) => setMultiplier(e.target.value)} name="multiplier" inputMode="decimal" />
      </label>
      <label>
        <span>{t('pricing.activeState')}</span>
        <select value={active} onChange={(e) => setActive(e.target.value as 'same' | 'on' | 'off')} name="active">
          <option value="same">{t('pricing.unchanged')}</option>
          <option value="on">{t('pricing.active')}</option>
          <option value="off">{t('pricing.inactive')}</option>
        </select>
      </label>
      <label>
        <span>{t('pricing.reason')}</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} name="reason" required />
      </label>
      <button type="submit" disabled={!valid}>
        {t('pricing.save')}
      </button>
    </form>
  )
}

export function PricingPage() {
  const { t } = useTranslation()
  const f = useFormat()
  const p = usePricing()
  const [confirmed, setConfirmed] = useState(false)
  const lastUndoable = p.history.data?.find((e) => e.undoneAt === null && e.kind !== 'bundled-merge')
  return (
    <section aria-labelledby="pricing-title">
      <h1 id="pricing-title">{t('pricing.title')}</h1>
      <p className="intro">{t('pricing.intro')}</p>
      <p role="status" className="status-line" data-testid="pricing-status">
        {p.error ? t('errors.generic', { message: p.error }) : p.status ? t(p.status.key, p.status.values) : null}
      </p>

      <div className="card">
        <h2>{t('pricing.updateTitle')}</h2>
        <label>
          <span>{t('pricing.file')}</span>
          <input
            type="file"
            accept=".json,application/json"
            data-testid="pricing-file"
            onChange={(e) => {
              const file = e.target.files?.[0]
              setConfirmed(false)
              if (file) void file.text().then(p.load)
              e.target.value = ''
            }}
          />
        </label>
        {p.preview ? (
          <div className="preview" data-testid="pricing-preview">
            <h3>{t('pricing.previewTitle', { title: p.preview.title, date: p.preview.date })}</h3>
            {p.preview.notes ? <p className="muted">{p.preview.notes}</p> : null}
            {p.preview.lines.length ? <DiffTable lines={p.preview.lines} /> : <p className="empty">{t('pricing.noChanges')}</p>}
            {p.preview.warnings.length ? (
              <div role="alert" className="notice" data-testid="pricing-warnings">
                <ul>
                  {p.preview.recommendationChanges.map((c) => (
                    <li key={c.scenario}>
                      {c.to
                        ? t('pricingWarn.recommendationMoves', {
                            from: c.from.displayName,
                            to: c.to.displayName,
                            scenario: t(`recommendations.scenarios.${c.scenario}`),
                          })
                        : t('pricingWarn.recommendationGone', {
                            from: c.from.displayName,
                            scenario: t(`recommendations.scenarios.${c.scenario}`),
                          })}
                    </li>
                  ))}
                </ul>
                <label className="inline">
                  <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
                  <span>{t('pricing.confirmWarnings')}</span>
                </label>
              </div>
            ) : null}
            <div className="form-row">
              <button
                type="button"
                disabled={p.preview.warnings.length > 0 && !confirmed}
                onClick={() => void p.apply(confirmed)}
              >
                {t('pricing.apply')}
              </button>
              <button type="button" className="secondary" onClick={p.discard}>
                {t('pricing.cancel')}
              </button>
            </div>
          </div>
        ) : null}
      </div>

      <EditForm p={p} />

      <h2>{t('pricing.historyTitle')}</h2>
      <button type="button" disabled={!lastUndoable} onClick={() => void p.undo()}>
        {t('pricing.undo')}
      </button>
      <AsyncView state={p.history}>
        {(entries) =>
          entries.length === 0 ? (
            <p className="empty">{t('pricing.historyEmpty')}</p>
          ) : (
            <ol className="history" data-testid="pricing-history">
              {entries.map((e) => (
                <li key={e.id} className={e.undoneAt ? 'is-undone' : undefined}>
                  <p>
                    <strong>{e.title}</strong> <span className="badge">{t(`pricing.kinds.${e.kind}`)}</span>{' '}
                    <span className="muted">{f.dateTime(e.at)}</span>
                    {e.undoneAt ? (
                      <span className="badge badge-warn">{t('pricing.undoneAt', { when: f.dateTime(e.undoneAt) })}</span>
                    ) : null}
                  </p>
                  {e.reason ? <p className="muted">{e.reason}</p> : null}
                  {e.checksum ? (
                    <p className="muted">
                      {t('pricing.checksum')} <code>{e.checksum.slice(0, 19)}</code>
                    </p>
                  ) : null}
                  <DiffTable lines={e.lines} />
                </li>
              ))}
            </ol>
          )
        }
      </AsyncView>
    </section>
  )
}
