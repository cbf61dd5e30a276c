import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { openCore } from '../core/app-core'
import { defaultDataDir, systemLocale } from '../core/paths'
import { packageVersion } from '../core/version'
import { startWebHost } from './web-host'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const USAGE = `Usage: npm run web -- [--data-dir DIR] [--port N] [--static DIR]
  --data-dir DIR  the data folder (default: the app's own)
  --port N        the loopback port (default: any free one)
  --static DIR    the built renderer (default: out/web)
  --help          this text
`

/** A mistyped option is the user's mistake, said in one line with the usage, never a stack trace. */
function usageError(message: string): never {
  process.stderr.write(`error: ${message}\n${USAGE}`)
  process.exit(2)
}

function readArgs() {
  try {
    return parseArgs({
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        static: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (err) {
    const unknown = /Unknown option '([^']+)'/.exec((err as Error).message)
    return usageError(unknown ? `unknown option ${unknown[1]}` : (err as Error).message)
  }
}

const values = readArgs()
if (values.help) {
  process.stdout.write(USAGE)
  process.exit(0)
}
if (values.port !== undefined && !(/^\d+$/.test(values.port) && Number(values.port) <= 65535))
  usageError('--port must be a whole number from 0 to 65535')
const staticDir = values.static ?? path.join(root, 'out', 'web')
if (!existsSync(path.join(staticDir, 'index.html'))) {
  process.stderr.write(`error: no built renderer in ${staticDir}. Run "npm run web" (it builds first).\n`)
  process.exit(1)
}
const dataDir = values['data-dir'] ?? defaultDataDir()
const core = await openCore({ dataDir, shell: 'web', version: packageVersion(), systemLocale: systemLocale() })
const host = await startWebHost(core, { staticDir, port: values.port ? Number(values.port) : 0 })
process.stdout.write(`MP4toText web host (data: ${dataDir})\nOpen: ${host.url}\n`)
const stop = () => void host.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
