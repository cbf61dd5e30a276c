import { useTranslation } from 'react-i18next'
import type { Settings, SettingsPatch } from '../../../../shared/settings-types'
import { SavedSelect } from '../../components/SavedField'

/** The clustering threshold of speaker detection, as a few named steps (the value is a cosine distance). */
export function SpeakersSection({ settings, save }: { settings: Settings; save: (p: SettingsPatch) => Promise<boolean> }) {
  const { t, i18n } = useTranslation()
  const nf = new Intl.NumberFormat(i18n.language)
  const steps = [...new Set([0.3, 0.4, 0.5, 0.6, 0.7, settings.speakerThreshold])].sort((a, b) => a - b)
  return (
    <div className="card settings">
      <h2>{t('speakers.title')}</h2>
      <SavedSelect
        label={t('speakers.thresholdLabel')}
        name="speakerThreshold"
        value={String(settings.speakerThreshold)}
        options={steps.map((n) => ({ value: String(n), label: nf.format(n) }))}
        onSave={(v) => save({ speakerThreshold: Number(v) })}
      />
      <p className="muted">{t('speakers.thresholdHint')}</p>
    </div>
  )
}
