import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { openCore } from '../core/app-core'
import { defaultDataDir, systemLocale } from '../core/paths'
import { packageVersion } from '../core/version'
import { startWebHost } from './web-host'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, static: { type: 'string' } },
})
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
