import type { Core } from '../core/app-core'
import { calls, type CallInput, type CallName, type CallOutput } from '../shared/contract'
import { dispatch } from '../shared/dispatch'
import { AppError, ErrorCode } from '../shared/errors'
import { UsageError } from './cli-args'

/**
 * How a field of a call's input is called on the command line. `arg` fields come from options
 * (a bad value is a usage error, exit 2); the others come from a file's content (exit 1).
 */
export type FieldNames = Record<string, { name: string; arg: boolean }>

type Issue = {
  code: string
  path: PropertyKey[]
  message: string
  maximum?: unknown
  minimum?: unknown
  inclusive?: boolean
  origin?: string
}

const count = (n: number) => n.toLocaleString('en-US')

function describe(issue: Issue, name: string, input: unknown): string {
  const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], input)
  if (issue.code === 'too_big' && typeof issue.maximum === 'number') {
    if (issue.origin === 'string' && typeof value === 'string')
      return value.length > 1000
        ? `${name} has ${count(value.length)} characters; the limit is ${count(issue.maximum)}`
        : `${name} must be at most ${issue.maximum} characters`
    return `${name} must be ${issue.inclusive === false ? 'below' : 'at most'} ${issue.maximum}`
  }
  if (issue.code === 'too_small' && typeof issue.minimum === 'number' && issue.origin !== 'string')
    return `${name} must be ${issue.inclusive === false ? 'above' : 'at least'} ${issue.minimum}`
  return `${name}: ${issue.message}`
}

/**
 * Every CLI command that has a call in the contract goes through `dispatch` with the core's own
 * handlers, exactly as the app and the web host do: same validation, same limits (5 M characters
 * of transcript, top-up bounds …), same errors. The input is checked here first only to word a
 * refusal in the CLI's terms (option names, the file's name) instead of the contract's paths.
 */
export async function call<K extends CallName>(
  core: Core,
  channel: K,
  input: CallInput<K>,
  names: FieldNames = {},
): Promise<CallOutput<K>> {
  const checked = calls[channel].input.safeParse(input)
  if (!checked.success) {
    const issue = checked.error.issues[0] as Issue
    const field = names[String(issue.path[0] ?? '')]
    const message = describe(issue, field?.name ?? (issue.path.join('.') || channel), input)
    throw field?.arg === false ? new AppError('invalid-input', message) : new UsageError(message)
  }
  const result = await dispatch(core.handlers, channel, input)
  if (!result.ok) {
    const code = ErrorCode.safeParse(result.error.code)
    throw new AppError(code.success ? code.data : 'internal', result.error.message)
  }
  return result.value as CallOutput<K>
}
