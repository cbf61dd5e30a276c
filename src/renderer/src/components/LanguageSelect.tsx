import { useTranslation } from 'react-i18next'
import { spokenLanguages } from '../../../shared/languages'

/** Whisper's spoken languages with "detect", Turkish and English first. */
export function LanguageSelect({
  label,
  value,
  onChange,
  name,
}: {
  label: string
  value: string
  onChange: (v: string) => void
  name: string
}) {
  const { t, i18n } = useTranslation()
  return (
    <label>
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} name={name}>
        <option value="auto">{t('transcribe.languageAuto')}</option>
        {spokenLanguages(i18n.language).map(([code, n]) => (
          <option key={code} value={code}>
            {n}
          </option>
        ))}
      </select>
    </label>
  )
}
