import { useTranslation } from 'react-i18next'
import type { ModelView } from '../../../../shared/catalog-types'
import { Preset } from '../../../../shared/enhance-types'
import { spokenLanguages } from '../../../../shared/languages'
import { VAD_PADDING_CHOICES, VAD_THRESHOLD_CHOICES, type Settings, type SettingsPatch } from '../../../../shared/settings-types'
import { SavedField, SavedSelect } from '../../components/SavedField'
import { providerName } from '../../lib/provider-name'

/** Transcription and enhancement defaults; each field saves on its own and says so beside itself. */
export function PreferencesSection({
  settings,
  models,
  save,
}: {
  settings: Settings
  models: ModelView[]
  save: (p: SettingsPatch) => Promise<boolean>
}) {
  const { t, i18n } = useTranslation()
  const nf = new Intl.NumberFormat(i18n.language)
  const current = settings.defaultEnhanceModel
  // the default model is chosen from the catalog, never typed: a stored value that is no longer
  // offered stays visible so the select shows the truth
  const modelOptions = [
    { value: '', label: t('settings.noDefaultModel') },
    ...models
      .filter((m) => m.kind === 'chat')
      .map((m) => ({ value: m.key, label: `${providerName(m.provider)} · ${m.displayName}` })),
    ...(current && !models.some((m) => m.key === current) ? [{ value: current, label: current }] : []),
  ]
  return (
    <>
      <div className="card settings">
        <h2>{t('settings.transcription')}</h2>
        <SavedField
          label={t('settings.modelsDir')}
          name="modelsDir"
          initial={settings.modelsDir ?? ''}
          wide
          onSave={(v) => save({ modelsDir: v || null })}
        />
        <SavedSelect
          label={t('settings.defaultLanguage')}
          name="transcribeLanguage"
          value={settings.transcribeLanguage}
          options={[
            { value: 'auto', label: t('transcribe.languageAuto') },
            ...spokenLanguages(i18n.language).map(([code, n]) => ({ value: code, label: n })),
          ]}
          onSave={(v) => save({ transcribeLanguage: v })}
        />
        <SavedField
          label={t('settings.threads')}
          name="threads"
          numeric
          initial={settings.threads === null ? '' : String(settings.threads)}
          valid={(v) => v.trim() === '' || (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 64)}
          onSave={(v) => save({ threads: v === '' ? null : Number(v) })}
        />
        <SavedSelect
          label={t('settings.concurrency')}
          name="transcribeConcurrency"
          value={String(settings.transcribeConcurrency)}
          options={[1, 2, 3, 4].map((n) => ({ value: String(n), label: String(n) }))}
          onSave={(v) => save({ transcribeConcurrency: Number(v) })}
        />
        <SavedSelect
          label={t('settings.vad')}
          name="vadEnabled"
          value={settings.vadEnabled ? 'on' : 'off'}
          options={[
            { value: 'on', label: t('settings.vadOn') },
            { value: 'off', label: t('settings.vadOff') },
          ]}
          onSave={(v) => save({ vadEnabled: v === 'on' })}
        />
        <SavedSelect
          label={t('settings.vadThreshold')}
          name="vadThreshold"
          value={String(settings.vadThreshold)}
          options={[
            ...Object.entries(VAD_THRESHOLD_CHOICES).map(([key, n]) => ({ value: String(n), label: t(`settings.${key}`) })),
            ...(Object.values(VAD_THRESHOLD_CHOICES).some((n) => n === settings.vadThreshold)
              ? []
              : [{ value: String(settings.vadThreshold), label: nf.format(settings.vadThreshold) }]),
          ]}
          onSave={(v) => save({ vadThreshold: Number(v) })}
        />
        <SavedSelect
          label={t('settings.vadPadding')}
          name="vadPaddingSec"
          value={String(settings.vadPaddingSec)}
          options={[...new Set([...VAD_PADDING_CHOICES, settings.vadPaddingSec])].map((n) => ({
            value: String(n),
            label: t('settings.seconds', { value: nf.format(n) }),
          }))}
          onSave={(v) => save({ vadPaddingSec: Number(v) })}
        />
      </div>
      <div className="card settings">
        <h2>{t('settings.enhancement')}</h2>
        <SavedSelect
          label={t('settings.defaultModel')}
          name="defaultEnhanceModel"
          value={current ?? ''}
          options={modelOptions}
          onSave={(v) => save({ defaultEnhanceModel: v || null })}
        />
        <SavedSelect
          label={t('settings.defaultPreset')}
          name="defaultPreset"
          value={settings.defaultPreset}
          options={Preset.options.map((p) => ({ value: p, label: t(`enhance.presets.${p}`) }))}
          onSave={(v) => save({ defaultPreset: v as Preset })}
        />
      </div>
    </>
  )
}
