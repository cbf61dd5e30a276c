import { useTranslation } from 'react-i18next'
import type { Settings, SettingsPatch } from '../../../../shared/settings-types'
import { LanguageSelect } from '../../components/LanguageSelect'
import { PresetSelect } from '../../components/PresetSelect'
import { SavedField } from '../../components/SavedField'

/** Transcription and enhancement defaults; each field saves on its own. */
export function PreferencesSection({ settings, save }: { settings: Settings; save: (p: SettingsPatch) => void }) {
  const { t } = useTranslation()
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
        <LanguageSelect
          label={t('settings.defaultLanguage')}
          value={settings.transcribeLanguage}
          onChange={(v) => save({ transcribeLanguage: v })}
          name="transcribeLanguage"
        />
        <SavedField
          label={t('settings.threads')}
          name="threads"
          numeric
          initial={settings.threads === null ? '' : String(settings.threads)}
          valid={(v) => v.trim() === '' || (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 64)}
          onSave={(v) => save({ threads: v === '' ? null : Number(v) })}
        />
        <label>
          <span>{t('settings.concurrency')}</span>
          <select
            value={settings.transcribeConcurrency}
            onChange={(e) => save({ transcribeConcurrency: Number(e.target.value) })}
            name="transcribeConcurrency"
          >
            {[1, 2, 3, 4].map((n) => (
              <option key={n} value={n}>
                {String(n)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="card settings">
        <h2>{t('settings.enhancement')}</h2>
        <SavedField
          label={t('settings.defaultModel')}
          name="defaultEnhanceModel"
          initial={settings.defaultEnhanceModel ?? ''}
          placeholder="groq/openai/gpt-oss-20b"
          onSave={(v) => save({ defaultEnhanceModel: v || null })}
        />
        <PresetSelect
          label={t('settings.defaultPreset')}
          value={settings.defaultPreset}
          onChange={(p) => save({ defaultPreset: p })}
          name="defaultPreset"
        />
      </div>
    </>
  )
}
