import { z } from 'zod'

/**
 * The transcription API (OpenAI-compatible `/v1/audio/transcriptions`) as the desktop app serves
 * it when the user turns it on: on this computer only unless the user binds it elsewhere.
 */
export const ApiServerSetting = z.object({
  enabled: z.boolean(),
  port: z.number().int().min(1024).max(65535),
})
export type ApiServerSetting = z.infer<typeof ApiServerSetting>

export const DEFAULT_API_PORT = 8765

export const defaultApiServerSetting: ApiServerSetting = { enabled: false, port: DEFAULT_API_PORT }

/**
 * Where the API answers right now. off: not enabled; listening: at `url`; failed: enabled but
 * the port could not be opened (`error` says why, e.g. another program uses it).
 */
export const ApiServerStatus = z.object({
  state: z.enum(['off', 'listening', 'failed']),
  /** the base URL an OpenAI client is given, e.g. http://127.0.0.1:8765/v1 */
  url: z.string().nullable(),
  error: z.enum(['port-in-use', 'other']).nullable(),
  /** the error as the system gave it (English), for the detail line */
  detail: z.string().nullable(),
})
export type ApiServerStatus = z.infer<typeof ApiServerStatus>

/** Contract calls and events of the transcription API (spread into ../contract.ts). */
export const apiCalls = {
  'api.status': { input: z.object({}), output: ApiServerStatus },
  /** the bearer token clients send; only when the user asks to see or copy it */
  'api.token': { input: z.object({}), output: z.object({ token: z.string() }) },
} as const

export const apiEvents = {
  'api.status': ApiServerStatus,
} as const
