// A separate process that adds credits to one data folder, printing `ack <request id>` only
// after each top-up was acknowledged — what a user would have been told succeeded.
//   tsx top-up-child.ts <data dir> <tag> <count> [freeze]
// With `freeze` it stops itself (SIGSTOP, as Ctrl-Z or a debugger would) right after it
// created db.json's temp copy, holding the lock, and goes on where it was when sent SIGCONT.
import { promises as fs } from 'node:fs'
import { CreditsService } from '../../src/core/credits/credits-service'
import { createInitialDb } from '../../src/core/initial-db'
import { Store } from '../../src/core/store/store'

const [dataDir, tag, count, freeze] = process.argv.slice(2)
if (!dataDir || !tag || !count) throw new Error('usage: top-up-child.ts DIR TAG COUNT [freeze]')

if (freeze === 'freeze') {
  const open = fs.open.bind(fs)
  let frozen = false
  fs.open = (async (file: Parameters<typeof fs.open>[0], ...rest: unknown[]) => {
    const handle = await (open as (...a: unknown[]) => ReturnType<typeof fs.open>)(file, ...rest)
    if (!frozen && String(file).includes('db.json.tmp-')) {
      // the temp copy exists, nothing is written to it yet
      frozen = true
      process.stdout.write('frozen\n')
      process.kill(process.pid, 'SIGSTOP')
    }
    return handle
  }) as typeof fs.open
}

const store = await Store.open(dataDir, createInitialDb)
const credits = new CreditsService(store)
for (let i = 0; i < Number(count); i++) {
  const id = `${tag}-${i}`
  try {
    await credits.topUp(1, `test ${id}`, id)
    process.stdout.write(`ack ${id}\n`)
  } catch (err) {
    process.stdout.write(`fail ${id} ${(err as Error).message}\n`)
  }
}
store.close()
