import { useTranslation } from 'react-i18next'
import { clockTime } from '../../../shared/subtitle-cues'

/** Locale-aware number, date and token formatting; one place so every page agrees. */
export function useFormat() {
  const { t, i18n } = useTranslation()
  const lng = i18n.language
  const number = (n: number) => new Intl.NumberFormat(lng).format(n)
  return {
    number,
    credits: (n: number) => t('credits.amount', { count: n }),
    percent: (x: number) => new Intl.NumberFormat(lng, { style: 'percent', maximumFractionDigits: 0 }).format(x),
    /** "0.2" → "0.2" in English, "0,2" in Turkish (the "x" comes from the locale file) */
    multiplier: (x: number | string) => new Intl.NumberFormat(lng, { maximumFractionDigits: 1 }).format(Number(x)),
    fixed1: (x: number) => new Intl.NumberFormat(lng, { maximumFractionDigits: 1 }).format(x),
    fixed2: (x: number) => new Intl.NumberFormat(lng, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x),
    /** 75 → "1:15", 3725 → "1:02:05"; rounded down, as the timestamped text export counts */
    duration: (sec: number) => clockTime(sec),
    date: (iso: string) => new Intl.DateTimeFormat(lng, { dateStyle: 'medium' }).format(new Date(iso)),
    /** a published figure's date: "2025-11" is a month ("Nov 2025"), a full date is a day */
    publishedOn: (ymd: string) =>
      /^\d{4}-\d{2}$/.test(ymd)
        ? new Intl.DateTimeFormat(lng, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(
            new Date(`${ymd}-01T00:00:00Z`),
          )
        : new Intl.DateTimeFormat(lng, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(ymd)),
    dateTime: (iso: string) => new Intl.DateTimeFormat(lng, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
    tokens: (n: number) =>
      n >= 1_000_000
        ? `${new Intl.NumberFormat(lng, { maximumFractionDigits: 1 }).format(n / 1_048_576)}M`
        : `${new Intl.NumberFormat(lng, { maximumFractionDigits: 0 }).format(n / 1024)}K`,
  }
}
