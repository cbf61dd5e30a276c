import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Locale, Settings } from '../../../../shared/settings-types'
import { AsyncView } from '../../components/AsyncView'
import { api } from '../../lib/api'
import { PreferencesSection } from './PreferencesSection'
import { ProvidersSection } from './ProvidersSection'
import { useSettings } from './use-settings'

function ThresholdField({ value, onSave }: { value: number; onSave: (n: number) => void }) {
  const { t } = useTranslation()
  const [text, setText] = useState(String(value))
  const valid = /^\d+$/.test(text)
  return (
    <form
      className="form-row"
      onSubmit={(e) => {
        e.preventDefault()
        if (valid) onSave(Number(text))
      }}
    >
      <label>
        <span>{t('settings.lowBalance')}</span>
        <input
          inputMode="numeric"
          value={text}
          aria-invalid={!valid}
          onChange={(e) => setText(e.target.value)}
          name="lowBalanceThreshold"
        />
      </label>
      <button type="submit" disabled={!valid}>
        {t('settings.save')}
      </button>
    </form>
  )
}

export function SettingsPage() {
  const { t } = useTranslation()
  const s = useSettings()
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <AsyncView state={s.settings}>
        {(settings: Settings) => (
          <div className="card settings">
            <label>
              <span>{t('settings.language')}</span>
              <select
                name="locale"
                value={settings.locale ?? 'system'}
                onChange={(e) => void s.save({ locale: e.target.value === 'system' ? null : (e.target.value as Locale) })}
              >
                <option value="system">{t('settings.languageSystem')}</option>
                <option value="tr">{'Türkçe'}</option>
                <option value="en">{'English'}</option>
              </select>
            </label>
            <label>
              <span>{t('settings.theme')}</span>
              <select
                name="theme"
                value={settings.theme}
                onChange={(e) => void s.save({ theme: e.target.value as Settings['theme'] })}
              >
                <option value="system">{t('settings.themeSystem')}</option>
                <option value="light">{t('settings.themeLight')}</option>
                <option value="dark">{t('settings.themeDark')}</option>
              </select>
            </label>
            <ThresholdField value={settings.lowBalanceThreshold} onSave={(n) => void s.save({ lowBalanceThreshold: n })} />
            <p>
              <span className="muted">{t('settings.dataDir')}</span> <code>{s.info.data?.dataDir}</code>{' '}
              {s.info.data?.shell === 'electron' ? (
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => void api.invoke('app.openFolder', { which: 'data' })}
                >
                  {t('settings.openFolder')}
                </button>
              ) : null}
            </p>
            <p role="status">{s.error ? t('errors.generic', { message: s.error }) : s.saved ? t('settings.saved') : null}</p>
          </div>
        )}
      </AsyncView>
      {s.settings.data ? <PreferencesSection settings={s.settings.data} save={(patch) => void s.save(patch)} /> : null}
      <ProvidersSection />
    </section>
  )
}
