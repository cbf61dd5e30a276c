import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../lib/api'
import { useAction } from '../lib/use-action'
import type { ModelView } from '../../../shared/catalog-types'
import { useFormat } from '../i18n/format'
import { Badge } from './Badge'
import { providerName } from '../lib/provider-name'
import { ErrorBox } from './ErrorBox'

/** One model's facts: provider, price, speed, traits and warnings. Used by the picker and the model lists. */
export function ModelRow({ model, affordable, noKey = false }: { model: ModelView; affordable: boolean; noKey?: boolean }) {
  const { t } = useTranslation()
  const f = useFormat()
  // Price and limit badges describe enhancement use; a transcription model gets none of them.
  const chat = model.kind === 'chat'
  return (
    <div className="model-row">
      <div className="model-main">
        <span className="model-name">{model.displayName}</span>
        <span className="model-id">
          <span className="model-provider">{providerName(model.provider)}</span> {'·'} <code>{model.modelId}</code>
        </span>
      </div>
      <div className="model-price">
        <span className="model-credits" data-testid="credits">
          {/* a speech-to-text row is priced per started minute of audio, not per enhancement */}
          {chat ? f.credits(model.credits) : t('cloud.perMinuteShort', { count: model.credits })}
        </span>
        <span className="model-multiplier">{t('picker.multiplier', { value: f.multiplier(model.multiplier) })}</span>
      </div>
      <div className="model-badges">
        {model.unavailable ? <UnavailableMark at={model.unavailable.at} /> : null}
        {noKey ? <Badge tone="warn">{t('picker.noKey')}</Badge> : null}
        {model.provider === 'builtin' ? (
          <Badge tone="accent">{t('picker.onThisComputer')}</Badge>
        ) : model.local ? (
          <Badge tone="accent">{t('picker.local')}</Badge>
        ) : null}
        {model.memory && !model.memory.fits ? (
          <Badge tone="danger">{t('picker.tooBig', { need: model.memory.needMiB, free: model.memory.availableMiB })}</Badge>
        ) : null}
        {chat ? <Speed model={model} /> : null}
        {chat && model.free ? <Badge tone="free">{t('picker.free')}</Badge> : null}
        {model.reasoning ? <Badge tone="accent">{t('picker.reasoning')}</Badge> : null}
        {model.flagship ? <Badge tone="accent">{t('picker.flagship')}</Badge> : null}
        {chat ? <Badge>{t('picker.context', { tokens: f.tokens(model.contextTokens) })}</Badge> : null}
        {chat && model.freeTierRpm ? <Badge tone="warn">{t('picker.rateLimit', { rpm: model.freeTierRpm })}</Badge> : null}
        {!affordable && !model.unavailable ? <Badge tone="danger">{t('picker.unaffordable')}</Badge> : null}
      </div>
    </div>
  )
}

/** "No longer offered" and since when (the mark lapses a day later; "Check again" is on the Models page). */
function UnavailableMark({ at }: { at: string }) {
  const { t } = useTranslation()
  const f = useFormat()
  return (
    <span className="unavailable-mark" data-testid="unavailable">
      <Badge tone="danger">{t('picker.unavailable')}</Badge>{' '}
      <span className="muted">{t('picker.unavailableSince', { date: f.dateTime(at) })}</span>
    </span>
  )
}

/**
 * The models marked "no longer offered", each with "Check again", which asks the provider's
 * model list now. A list of its own: a button cannot sit inside a listbox option.
 */
export function UnavailableModels({ models }: { models: ModelView[] }) {
  const { t } = useTranslation()
  const { error, run } = useAction()
  const [checking, setChecking] = useState<string | null>(null)
  const marked = models.filter((m) => m.unavailable)
  if (!marked.length) return null
  return (
    <>
      <h2>{t('picker.unavailableTitle')}</h2>
      <ErrorBox error={error} />
      <ul className="inactive-list" data-testid="unavailable-models">
        {marked.map((m) => (
          <li key={m.key} data-key={m.key}>
            <ModelRow model={m} affordable />
            <button
              type="button"
              className="secondary"
              disabled={checking === m.key}
              aria-label={t('picker.checkAgainNamed', { name: m.displayName })}
              onClick={() => {
                setChecking(m.key)
                void run(() => api.invoke('catalog.recheck', { key: m.key })).finally(() => setChecking(null))
              }}
            >
              {t('picker.checkAgain')}
            </button>
          </li>
        ))}
      </ul>
    </>
  )
}

/**
 * Every chat model gets a speed line: measured on this machine when it has been (or estimated,
 * when the provider reported no token counts), the published figure with who published it and
 * when, else "not published" — never a made-up number or a tier.
 */
export function Speed({ model }: { model: ModelView }) {
  const { t } = useTranslation()
  const f = useFormat()
  const m = model.measured
  const p = model.publishedSpeed
  return (
    <span className="model-speed" data-testid="speed">
      {m ? (
        <Badge tone={m.estimated ? undefined : 'fast'}>
          {t(m.estimated ? 'speed.estimated' : 'speed.measured', { tps: m.tokensPerSec, date: f.date(m.at) })}
        </Badge>
      ) : null}
      {p ? <Badge>{t('speed.published', { tps: p.tokensPerSec, source: p.source, date: f.publishedOn(p.date) })}</Badge> : null}
      {!m && !p ? <Badge>{t('picker.speedUnknown')}</Badge> : null}
    </span>
  )
}
