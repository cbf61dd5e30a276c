import { useTranslation } from 'react-i18next'

/**
 * A button repeated once per item in a list: it shows the action and is named "action: item" for
 * screen readers, so ten "Delete" buttons are ten different names.
 */
export function ItemButton({
  action,
  item,
  onClick,
  secondary = false,
}: {
  action: string
  item: string
  onClick: () => void
  secondary?: boolean
}) {
  const { t } = useTranslation()
  return (
    <button
      type="button"
      className={secondary ? 'secondary' : undefined}
      aria-label={t('named.item', { action, name: item })}
      onClick={onClick}
    >
      {action}
    </button>
  )
}
