import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Settings, SettingsPatch } from '../../../../shared/settings-types'
import { LanguageSelect } from '../../components/LanguageSelect'
import { PresetSelect } from '../../components/PresetSelect'

/** Transcription and enhancement defaults; each field saves on its own. */
export function PreferencesSection({ settings, save }: { settings: Settings; save: (p: SettingsPatch) => void }) {
  const { t } = useTranslation()
  const [modelsDir, setModelsDir] = useState(settings.modelsDir ?? '')
  const [threads, setThreads] = useState(settings.threads === null ? '' : String(settings.threads))
  const [model, setModel] = useState(settings.defaultEnhanceModel ?? '')
  const threadsValid = threads === '' || (/^\d+$/.test(threads) && Number(threads) >= 1 && Number(threads) <= 64)
  return (
    <>
      <div className="card settings">
        <h2>{t('settings.transcription')}</h2>
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault()
            save({ modelsDir: modelsDir.trim() || null })
          }}
        >
          <label className="wide">
            <span>{t('settings.modelsDir')}</span>
            <input value={modelsDir} onChange={(e) => setModelsDir(e.target.value)} name="modelsDir" />
          </label>
          <button type="submit">{t('settings.save')}</button>
        </form>
        <LanguageSelect
          label={t('settings.defaultLanguage')}
          value={settings.transcribeLanguage}
          onChange={(v) => save({ transcribeLanguage: v })}
          name="transcribeLanguage"
        />
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault()
            if (threadsValid) save({ threads: threads === '' ? null : Number(threads) })
          }}
        >
          <label>
            <span>{t('settings.threads')}</span>
            <input
              inputMode="numeric"
              value={threads}
              aria-invalid={!threadsValid}
              onChange={(e) => setThreads(e.target.value)}
              name="threads"
            />
          </label>
          <button type="submit" disabled={!threadsValid}>
            {t('settings.save')}
          </button>
        </form>
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
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault()
            save({ defaultEnhanceModel: model.trim() || null })
          }}
        >
          <label>
            <span>{t('settings.defaultModel')}</span>
            <input
              value={model}
              onChange={(e) => setModel(e.target.value)}
              name="defaultEnhanceModel"
              placeholder="groq/openai/gpt-oss-20b"
            />
          </label>
          <button type="submit">{t('settings.save')}</button>
        </form>
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
