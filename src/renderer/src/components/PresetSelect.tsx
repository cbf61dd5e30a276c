import { useTranslation } from 'react-i18next'
import { Preset } from '../../../shared/enhance-types'

export function PresetSelect({
  label,
  value,
  onChange,
  name,
}: {
  label: string
  value: Preset
  onChange: (p: Preset) => void
  name: string
}) {
  const { t } = useTranslation()
  return (
    <label>
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as Preset)} name={name}>
        {Preset.options.map((p) => (
          <option key={p} value={p}>
            {t(`enhance.presets.${p}`)}
          </option>
        ))}
      </select>
    </label>
  )
}
