import { z } from 'zod'

export const ErrorCode = z.enum([
  'invalid-input',
  'not-found',
  'insufficient-credits',
  'needs-confirmation',
  'missing-key',
  'provider-auth',
  'model-unavailable',
  'rate-limited',
  'provider-error',
  'cancelled',
  'forbidden',
  'store-failed',
  /** a save made on what another window or process has changed since */
  'conflict',
  /** a native engine (the built-in LLM, speech or speaker detection) aborted on this job */
  'engine-crashed',
  'unknown-channel',
  'internal',
])
export type ErrorCode = z.infer<typeof ErrorCode>

/** The only error shape that crosses a process boundary: never a stack, never a secret. */
export const AppErrorShape = z.object({ code: ErrorCode, message: z.string() })
export type AppErrorShape = z.infer<typeof AppErrorShape>

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'AppError'
  }

  toShape(): AppErrorShape {
    return { code: this.code, message: this.message }
  }
}

export function toErrorShape(err: unknown): AppErrorShape {
  if (err instanceof AppError) return err.toShape()
  const parsed = AppErrorShape.safeParse(err)
  if (parsed.success) return parsed.data
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}
