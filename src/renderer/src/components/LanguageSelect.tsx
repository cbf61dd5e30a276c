import { useTranslation } from 'react-i18next'
import { spokenLanguages } from '../i18n/languages'

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
  const { t } = useTranslation()
  return (
    <label>
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} name={name}>
        <option value="auto">{t('transcribe.languageAuto')}</option>
        {spokenLanguages.map(([code, n]) => (
          <option key={code} value={code}>
            {n}
          </option>
        ))}
      </select>
    </label>
  )
}
