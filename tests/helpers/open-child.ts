// A separate process (the app, a CLI run) opening a data folder and waiting until its start-up
// work is done (the search answers only then):
//   tsx open-child.ts <data dir>
// Prints `ready` and exits.
import { openCore } from '../../src/core/app-core'

const [dataDir] = process.argv.slice(2)
if (!dataDir) throw new Error('usage: open-child.ts DIR')
const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'tr-TR' })
await core.transcripts.search('ready')
process.stdout.write('ready\n')
await core.close()
