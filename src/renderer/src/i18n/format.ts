import { useTranslation } from 'react-i18next'

/** Locale-aware number, date and token formatting; one place so every page agrees. */
export function useFormat() {
  const { t, i18n } = useTranslation()
  const lng = i18n.language
  const number = (n: number) => new Intl.NumberFormat(lng).format(n)
  return {
    number,
    credits: (n: number) => t('credits.amount', { count: n }),
    date: (iso: string) => new Intl.DateTimeFormat(lng, { dateStyle: 'medium' }).format(new Date(iso)),
    dateTime: (iso: string) => new Intl.DateTimeFormat(lng, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
    tokens: (n: number) =>
      n >= 1_000_000
        ? `${new Intl.NumberFormat(lng, { maximumFractionDigits: 1 }).format(n / 1_048_576)}M`
        : `${new Intl.NumberFormat(lng, { maximumFractionDigits: 0 }).format(n / 1024)}K`,
  }
}
