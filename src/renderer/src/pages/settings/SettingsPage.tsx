import { useTranslation } from 'react-i18next'
import type { Locale, Settings } from '../../../../shared/settings-types'
import { AsyncView } from '../../components/AsyncView'
import { ApiSection } from './ApiSection'
import { SavedField, SavedSelect } from '../../components/SavedField'
import { api } from '../../lib/api'
import { HardwareSection } from './HardwareSection'
import { PreferencesSection } from './PreferencesSection'
import { PrivacySection } from './PrivacySection'
import { ProvidersSection } from './ProvidersSection'
import { ServersSection } from './ServersSection'
import { SpeakersSection } from './SpeakersSection'
import { UpdatesSection } from './UpdatesSection'
import { UrlImportSection } from './UrlImportSection'
import { useSettings } from './use-settings'
import { VoicesSection } from './VoicesSection'
import { WatchFoldersSection } from './WatchFoldersSection'

export function SettingsPage() {
  const { t } = useTranslation()
  const s = useSettings()
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <p className="intro">{t('settings.autosaveHint')}</p>
      {s.error ? (
        <p role="alert" className="error-box">
          {t('errors.generic', { message: s.error })}
        </p>
      ) : null}
      <AsyncView state={s.settings}>
        {(settings: Settings) => (
          <div className="card settings">
            <SavedSelect
              label={t('settings.language')}
              name="locale"
              value={settings.locale ?? 'system'}
              options={[
                { value: 'system', label: t('settings.languageSystem') },
                { value: 'tr', label: 'Türkçe' },
                { value: 'en', label: 'English' },
              ]}
              onSave={(v) => s.save({ locale: v === 'system' ? null : (v as Locale) })}
            />
            <SavedSelect
              label={t('settings.theme')}
              name="theme"
              value={settings.theme}
              options={[
                { value: 'system', label: t('settings.themeSystem') },
                { value: 'light', label: t('settings.themeLight') },
                { value: 'dark', label: t('settings.themeDark') },
              ]}
              onSave={(v) => s.save({ theme: v as Settings['theme'] })}
            />
            <SavedField
              label={t('settings.lowBalance')}
              name="lowBalanceThreshold"
              numeric
              initial={String(settings.lowBalanceThreshold)}
              valid={(v) => /^\d+$/.test(v.trim())}
              onSave={(v) => s.save({ lowBalanceThreshold: Number(v) })}
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
          </div>
        )}
      </AsyncView>
      {s.settings.data ? <PreferencesSection settings={s.settings.data} models={s.models.data ?? []} save={s.save} /> : null}
      {s.settings.data ? <SpeakersSection settings={s.settings.data} save={s.save} /> : null}
      <VoicesSection />
      {s.settings.data ? <HardwareSection settings={s.settings.data} save={s.save} /> : null}
      {s.settings.data ? <UrlImportSection settings={s.settings.data} save={s.save} /> : null}
      <ProvidersSection />
      <ServersSection />
      <WatchFoldersSection />
      {s.settings.data ? <ApiSection settings={s.settings.data} save={s.save} /> : null}
      <PrivacySection />
      <UpdatesSection shell={s.info.data?.shell} version={s.info.data?.version} />
    </section>
  )
}
