import { AppError, keyedError, toErrorShape } from './errors'
import { calls, isCallName, type Envelope, type Handlers } from './contract'

/**
 * The shared heart of every transport: look up the channel, validate the input against the
 * contract, run the handler and wrap the outcome. Transports add only their own checks
 * (sender frame, token) on top.
 */
export async function dispatch(handlers: Handlers, channel: string, rawInput: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isCallName(channel)) throw new AppError('unknown-channel', `Unknown call: ${channel}`)
    const parsed = calls[channel].input.safeParse(rawInput ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'input'
      const english = `${channel}: ${where}: ${issue?.message ?? 'invalid'}`
      // the page words it from the field and the limit; the English stays for the CLI and logs
      const field = String(issue?.path[issue.path.length - 1] ?? 'input')
      const limit = issue && 'maximum' in issue ? issue.maximum : issue && 'minimum' in issue ? issue.minimum : undefined
      if (issue?.code === 'too_big' && (typeof limit === 'number' || typeof limit === 'bigint'))
        throw keyedError('invalid-input', 'too-big', { field, limit: Number(limit) }, english)
      if (issue?.code === 'too_small' && (typeof limit === 'number' || typeof limit === 'bigint'))
        throw keyedError('invalid-input', 'too-small', { field, limit: Number(limit) }, english)
      throw keyedError('invalid-input', 'invalid-field', { field }, english)
    }
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>
    return { ok: true, value: await handler(parsed.data) }
  } catch (err) {
    return { ok: false, error: toErrorShape(err) }
  }
}
