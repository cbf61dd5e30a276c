import type { Core } from '../core/app-core'
import { DEFAULT_API_HOST, listenApi, type ApiListener } from '../core/api/api-server'
import { UsageError, wholeNumber, type Parsed } from './cli-args'

type Write = (s: string) => void

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/**
 * `mp4totext serve`: the transcription API on this data folder until Ctrl-C. Requests are jobs
 * like the app's (its queue, speech detection, credits), and their transcripts join its history.
 */
export async function serveCommand(core: Core, args: Parsed, out: Write, err: Write): Promise<number> {
  const port =
    args.values.port === undefined ? core.store.data.settings.apiServer.port : wholeNumber(args.values.port as string, '--port')
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`)
  const host = (args.values.host as string | undefined) ?? DEFAULT_API_HOST
  const token = await core.api.token()
  let listener: ApiListener
  try {
    listener = await listenApi(core.api.handler, { host, port })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE')
      throw new Error(
        `Port ${port} is in use by another program (the app may be serving the API already: Settings → Transcription API). Choose another with --port N.`,
      )
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new UsageError(`--host ${host} is not an address of this computer`)
    throw e
  }
  // the key is printed here once, for the user to copy; it is never logged anywhere else
  out(`MP4toText transcription API: ${listener.url}\n`)
  out(`API key: ${token}\n`)
  out(`Point any OpenAI tool at it: OPENAI_BASE_URL=${listener.url} OPENAI_API_KEY=<the key>. Ctrl-C stops.\n`)
  if (!LOOPBACK.has(host)) err(`warning: listening on ${host}: other computers can reach the API (they still need the key)\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await listener.close()
  return 0
}
