import { z } from 'zod'

export const Locale = z.enum(['tr', 'en'])
export type Locale = z.infer<typeof Locale>

export const Settings = z.object({
  /** null: follow the operating system's language */
  locale: Locale.nullable(),
  theme: z.enum(['system', 'light', 'dark']),
  baseCredits: z.number().int().positive().max(10_000),
  startingBalance: z.number().int().nonnegative(),
  lowBalanceThreshold: z.number().int().nonnegative(),
  groqTier: z.enum(['free', 'developer']),
})
export type Settings = z.infer<typeof Settings>

export const defaultSettings: Settings = {
  locale: null,
  theme: 'system',
  baseCredits: 20,
  startingBalance: 1000,
  lowBalanceThreshold: 100,
  groqTier: 'free',
}

export const SettingsPatch = Settings.partial()
export type SettingsPatch = z.infer<typeof SettingsPatch>
