import { originOf } from '../../providers/endpoints'
import type { KeyStore } from '../../providers/key-store'
import { serverBaseUrl, type ServerEndpoint } from './server-pool'

/** The environment variable whose value goes as the bearer token to the user's own servers. */
export const SERVER_KEY_ENV = 'MP4TOTEXT_SERVER_KEY'
/**
 * The servers that key is given for (URLs, separated by commas or spaces); the CLI's --server adds
 * its URLs. The key goes nowhere else: a server named in a job or in Settings (which a web client
 * can set) is not proof that the user means it to have the key.
 */
export const SERVERS_ENV = 'MP4TOTEXT_SERVERS'

/** The origins the environment gives the server key for. */
export function envServerOrigins(env: NodeJS.ProcessEnv): Set<string> {
  const origins = new Set<string>()
  for (const url of (env[SERVERS_ENV] ?? '').split(/[\s,]+/)) {
    const origin = url ? originOf(safeBase(url)) : null
    if (origin) origins.add(origin)
  }
  return origins
}

function safeBase(url: string): string | null {
  try {
    return serverBaseUrl(url)
  } catch {
    return null
  }
}

/**
 * The key each endpoint may be sent (null: none): the environment's key, to a server the
 * environment names beside it, or to one the user confirmed in Electron's main process.
 */
export async function serverKeysFor(
  endpoints: readonly ServerEndpoint[],
  env: NodeJS.ProcessEnv,
  keys: Pick<KeyStore, 'confirmServerKey'>,
): Promise<(string | null)[]> {
  const key = env[SERVER_KEY_ENV]?.trim()
  if (!key) return endpoints.map(() => null)
  const allowed = envServerOrigins(env)
  const out: (string | null)[] = []
  for (const e of endpoints) {
    const origin = originOf(safeBase(e.url))
    const ok = origin !== null && (allowed.has(origin) || (keys.confirmServerKey ? await keys.confirmServerKey(e.url) : false))
    out.push(ok ? key : null)
  }
  return out
}

/** What a server that asked for a key (401/403) is told it lacks, in words the user can act on. */
export function serverKeyRefusedMessage(url: string, keySent: boolean, env: NodeJS.ProcessEnv): string {
  if (keySent) return `The transcription server ${url} rejected ${SERVER_KEY_ENV}. Check the key the server expects.`
  return env[SERVER_KEY_ENV]?.trim()
    ? `The transcription server ${url} needs a key. ${SERVER_KEY_ENV} is sent only to the servers listed in ${SERVERS_ENV}: start with ${SERVERS_ENV}=${url} beside ${SERVER_KEY_ENV} (the CLI's --server does it).`
    : `The transcription server ${url} needs a key: start with ${SERVER_KEY_ENV}=… and ${SERVERS_ENV}=${url}.`
}
