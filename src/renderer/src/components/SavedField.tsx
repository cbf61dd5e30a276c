import { useState } from 'react'
import { useTranslation } from 'react-i18next'

/** A text field with its own Save button; Save stays off while `valid` says no. */
export function SavedField({
  label,
  name,
  initial,
  onSave,
  valid = () => true,
  wide = false,
  numeric = false,
  placeholder,
}: {
  label: string
  name: string
  initial: string
  onSave: (value: string) => void
  valid?: (value: string) => boolean
  wide?: boolean
  numeric?: boolean
  placeholder?: string
}) {
  const { t } = useTranslation()
  const [value, setValue] = useState(initial)
  const ok = valid(value)
  return (
    <form
      className="form-row"
      onSubmit={(e) => {
        e.preventDefault()
        if (ok) onSave(value.trim())
      }}
    >
      <label className={wide ? 'wide' : undefined}>
        <span>{label}</span>
        <input
          value={value}
          name={name}
          inputMode={numeric ? 'numeric' : undefined}
          aria-invalid={!ok}
          placeholder={placeholder}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <button type="submit" disabled={!ok}>
        {t('settings.save')}
      </button>
    </form>
  )
}
