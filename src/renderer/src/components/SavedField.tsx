import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

/** A setting's save returns whether it worked; the field says so next to itself. */
export type SaveSetting = () => Promise<boolean>
type Status = 'idle' | 'saved' | 'failed' | 'invalid'

/**
 * One way to save every setting: a choice saves when it is made, a typed value when the field
 * is left or Enter is pressed — and "Saved" (or why not) appears right beside that field.
 */
export function useFieldSave() {
  const [status, setStatus] = useState<Status>('idle')
  return {
    status,
    setStatus,
    save: async (fn: SaveSetting) => {
      setStatus('idle')
      setStatus((await fn()) ? 'saved' : 'failed')
    },
  }
}

/** A setting's control with its own status line; `data-testid="setting-<name>"`. */
export function Setting({
  name,
  status,
  children,
  wide = false,
}: {
  name: string
  status: Status
  children: ReactNode
  wide?: boolean
}) {
  const { t } = useTranslation()
  return (
    <div className={`setting${wide ? ' wide' : ''}`} data-testid={`setting-${name}`}>
      {children}
      <span role="status" className={`field-status${status === 'saved' ? '' : ' is-error'}`}>
        {status === 'saved'
          ? t('settings.saved')
          : status === 'failed'
            ? t('settings.notSaved')
            : status === 'invalid'
              ? t('settings.invalid')
              : null}
      </span>
    </div>
  )
}

/** A select that saves on change. */
export function SavedSelect({
  label,
  name,
  value,
  options,
  onSave,
}: {
  label: string
  name: string
  value: string
  options: { value: string; label: string }[]
  onSave: (value: string) => Promise<boolean>
}) {
  const field = useFieldSave()
  return (
    <Setting name={name} status={field.status}>
      <label>
        <span>{label}</span>
        <select name={name} value={value} onChange={(e) => void field.save(() => onSave(e.target.value))}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
    </Setting>
  )
}

/** A text field that saves when left or on Enter, only when valid and changed. */
export function SavedField({
  label,
  name,
  initial,
  onSave,
  valid = () => true,
  wide = false,
  numeric = false,
  placeholder,
  type,
}: {
  label: string
  name: string
  initial: string
  onSave: (value: string) => Promise<boolean>
  valid?: (value: string) => boolean
  wide?: boolean
  numeric?: boolean
  placeholder?: string
  type?: 'url'
}) {
  const [value, setValue] = useState(initial)
  const [stored, setStored] = useState(initial)
  const field = useFieldSave()
  const ok = valid(value)
  const commit = () => {
    const v = value.trim()
    if (!ok) return field.setStatus('invalid')
    if (v === stored) return
    void field.save(async () => {
      const done = await onSave(v)
      if (done) setStored(v)
      return done
    })
  }
  return (
    <Setting name={name} status={field.status} wide={wide}>
      <label className={wide ? 'wide' : undefined}>
        <span>{label}</span>
        <input
          value={value}
          name={name}
          type={type}
          inputMode={numeric ? 'numeric' : undefined}
          aria-invalid={!ok}
          placeholder={placeholder}
          onChange={(e) => setValue(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault()
              commit()
            }
          }}
        />
      </label>
    </Setting>
  )
}
