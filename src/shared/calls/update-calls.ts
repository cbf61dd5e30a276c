import { z } from 'zod'

/**
 * What "Check for updates" found. unsupported: this shell does not update itself (the web host and
 * the CLI come with their package); none: this is the newest; available: a newer version exists
 * but is not fetched now (a recording or a transcription is running: it is never replaced under
 * them); download-and-install-on-quit: it is downloading and is installed when the app quits.
 */
export const UpdateStatus = z.object({
  action: z.enum(['unsupported', 'none', 'available', 'download-and-install-on-quit']),
  current: z.string(),
  latest: z.string().nullable(),
  /** why an available version waits: what is running */
  busy: z.object({ recordings: z.number().int(), transcriptions: z.number().int() }),
})
export type UpdateStatus = z.infer<typeof UpdateStatus>

export const updateCalls = {
  'updates.check': { input: z.object({}), output: UpdateStatus },
} as const
