import { useTranslation } from 'react-i18next'
import type { ModelView } from '../../../../shared/catalog-types'
import { useFormat } from '../../i18n/format'
import { navigate } from '../../lib/use-route'
import { cloudProviderOf, type PendingFile } from './use-cloud-transcribe'

/**
 * The Transcribe page's model choice: the whisper models on this computer (0 credits) beside the
 * cloud transcription rows with their price per started minute, the speed badge and the balance.
 */
export function TranscribeModelPicker(props: {
  value: string | null
  onChange: (model: string) => void
  installed: { name: string }[]
  cloudModels: ModelView[]
  balance: number | null
  serverCount: number
}) {
  const { t } = useTranslation()
  const f = useFormat()
  const chosen = props.cloudModels.find((m) => m.key === props.value)
  return (
    <div className="transcribe-model" data-testid="transcribe-model">
      <label>
        <span>{t('transcribe.model')}</span>
        <select value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value)} name="whisperModel">
          {props.value === null ? (
            <option value="" disabled>
              {t('transcribe.chooseModel')}
            </option>
          ) : null}
          {props.installed.length ? (
            <optgroup label={t('cloud.local')}>
              {props.installed.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {props.cloudModels.length ? (
            <optgroup label={t('cloud.cloudGroup')}>
              {props.cloudModels.map((m) => (
                <option key={m.key} value={m.key}>
                  {t('cloud.option', { name: m.displayName, cost: t('cloud.perMinute', { count: m.credits }) })}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </label>
      <p className="muted" data-testid="transcribe-model-info">
        {chosen ? (
          <>
            <span data-testid="cloud-rate">{t('cloud.perMinute', { count: chosen.credits })}</span>{' '}
          </>
        ) : props.serverCount > 0 ? (
          <>{t('cloud.serversInUse', { count: props.serverCount })} </>
        ) : null}
        {props.balance !== null ? (
          <span data-testid="transcribe-balance">{t('cloud.balance', { credits: f.credits(props.balance) })}</span>
        ) : null}
      </p>
    </div>
  )
}

/**
 * Files held before a cloud model gets them: what each costs (from its measured length), the
 * total against the balance, and on first use of the receiver the notice that must be agreed to.
 */
export function CloudConfirm(props: {
  model: string
  pending: PendingFile[]
  balance: number | null
  acknowledged: string[]
  acknowledgedNow: boolean
  setAcknowledgedNow: (v: boolean) => void
  /** the provider has no API key: said here, before anything is sent or reserved */
  missingKey: boolean
  onStart: () => void
  onCancel: () => void
}) {
  const { t } = useTranslation()
  const f = useFormat()
  const provider = cloudProviderOf(props.model)
  const receiver = provider ? t(`cloud.receivers.${provider}`) : props.model
  const needsNotice = provider !== null && !props.acknowledged.includes(provider)
  const total = props.pending.reduce((n, p) => n + p.estimate.credits, 0)
  const short = props.balance !== null && total > props.balance
  return (
    <div className="card" role="region" aria-labelledby="cloud-confirm-title" data-testid="cloud-confirm">
      <h2 id="cloud-confirm-title">{t('cloud.confirmTitle')}</h2>
      <ul>
        {props.pending.map((p) => (
          <li key={p.path} data-testid="cloud-estimate">
            {t('cloud.estimateLine', {
              file: p.name,
              minutes: p.estimate.minutes,
              credits: f.credits(p.estimate.credits),
            })}
          </li>
        ))}
      </ul>
      <p data-testid="cloud-total">{t('cloud.total', { credits: f.credits(total) })}</p>
      {short ? (
        <p className="negative" role="alert">
          {t('cloud.notEnough', { balance: f.credits(props.balance ?? 0), credits: f.credits(total) })}
        </p>
      ) : null}
      {props.missingKey ? (
        <div className="negative" role="alert" data-testid="cloud-no-key">
          <p>{t('cloud.noKey', { provider: receiver })}</p>
          <button type="button" onClick={() => navigate('settings')}>
            {t('cloud.openSettings')}
          </button>
        </div>
      ) : null}
      {needsNotice ? (
        <div className="notice" data-testid="cloud-notice">
          <p>{t('cloud.notice', { receiver })}</p>
          <label className="inline">
            <input
              type="checkbox"
              name="cloudNotice"
              checked={props.acknowledgedNow}
              onChange={(e) => props.setAcknowledgedNow(e.target.checked)}
            />
            <span>{t('cloud.acknowledge', { receiver })}</span>
          </label>
        </div>
      ) : null}
      <div className="actions">
        <button
          type="button"
          onClick={props.onStart}
          disabled={props.missingKey || short || (needsNotice && !props.acknowledgedNow)}
        >
          {t('cloud.start')}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {t('cloud.cancel')}
        </button>
      </div>
    </div>
  )
}
