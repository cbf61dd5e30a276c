// A separate process (a second window, the CLI) editing one transcript through dispatch:
//   tsx edit-child.ts <data dir> <transcript id> <first segment id> <count>
// Edits segments first..first+count-1 one after another to "edited <id> by <pid>" and prints
// `ack <segment id>` after each acknowledged save.
import { openCore } from '../../src/core/app-core'
import { call } from '../../src/cli/cli-call'

const [dataDir, id, first, count] = process.argv.slice(2)
if (!dataDir || !id || !first || !count) throw new Error('usage: edit-child.ts DIR ID FIRST COUNT')
const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'en-US' })
for (let s = Number(first); s < Number(first) + Number(count); s++) {
  await call(core, 'transcripts.updateSegment', { id, segmentId: s, text: `edited ${s} by ${process.pid}` })
  process.stdout.write(`ack ${s}\n`)
}
await core.close()
