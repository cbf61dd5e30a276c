import { useTranslation } from 'react-i18next'
import type { Locale, Settings } from '../../../../shared/settings-types'
import { AsyncView } from '../../components/AsyncView'
import { SavedField } from '../../components/SavedField'
import { api } from '../../lib/api'
import { PreferencesSection } from './PreferencesSection'
import { ProvidersSection } from './ProvidersSection'
import { useSettings } from './use-settings'

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
            <SavedField
              label={t('settings.lowBalance')}
              name="lowBalanceThreshold"
              numeric
              initial={String(settings.lowBalanceThreshold)}
              valid={(v) => /^\d+$/.test(v.trim())}
              onSave={(v) => void s.save({ lowBalanceThreshold: Number(v) })}
            />
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
