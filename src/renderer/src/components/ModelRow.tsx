import { useTranslation } from 'react-i18next'
import type { ModelView } from '../../../shared/catalog-types'
import { useFormat } from '../i18n/format'
import { Badge } from './Badge'

/** One model's facts: price, speed, traits and warnings. Used by the picker and the model lists. */
export function ModelRow({ model, affordable }: { model: ModelView; affordable: boolean }) {
  const { t } = useTranslation()
  const f = useFormat()
  // Price and limit badges describe enhancement use; a transcription model gets none of them.
  const chat = model.kind === 'chat'
  return (
    <div className="model-row">
      <div className="model-main">
        <span className="model-name">{model.displayName}</span>
        <code className="model-id">{model.modelId}</code>
      </div>
      <div className="model-price">
        <span className="model-credits" data-testid="credits">
          {f.credits(model.credits)}
        </span>
        <span className="model-multiplier">{t('picker.multiplier', { value: model.multiplier })}</span>
      </div>
      <div className="model-badges">
        {model.unavailable ? (
          <Badge tone="danger" title={model.unavailable.message}>
            {t('picker.unavailable')}
          </Badge>
        ) : null}
        {model.local ? <Badge tone="accent">{t('picker.local')}</Badge> : null}
        {model.speedTier === 'ultra-fast' ? <Badge tone="fast">{t('picker.ultraFast')}</Badge> : null}
        {model.measured ? (
          <Badge tone="fast">{t('picker.measured', { tps: model.measured.tokensPerSec, date: f.date(model.measured.at) })}</Badge>
        ) : null}
        {model.publishedTokensPerSec ? <Badge>{t('picker.published', { tps: model.publishedTokensPerSec })}</Badge> : null}
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
