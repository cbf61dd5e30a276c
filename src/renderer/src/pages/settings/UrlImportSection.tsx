import { useTranslation } from 'react-i18next'
import type { Settings, SettingsPatch } from '../../../../shared/settings-types'
import { SavedField } from '../../components/SavedField'

/** Import from a link: the largest download a link may bring. */
export function UrlImportSection({ settings, save }: { settings: Settings; save: (p: SettingsPatch) => Promise<boolean> }) {
  const { t } = useTranslation()
  return (
    <div className="card settings">
      <h2>{t('urlImport.title')}</h2>
      <SavedField
        label={t('urlImport.maxMB')}
        name="urlImportMaxMB"
        numeric
        initial={String(settings.urlImportMaxMB)}
        valid={(v) => /^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 100_000}
        onSave={(v) => save({ urlImportMaxMB: Number(v) })}
      />
    </div>
  )
}
