// A separate process that runs one enhancement in a data folder and stops itself (SIGSTOP) at one
// boundary between the writes EnhanceService makes, printing `stopped <step>` first, so a test
// can SIGKILL it exactly there — a crash between two of those writes.
//   tsx enhance-child.ts <data dir> <step> [<transcript id>]
// Steps: after-reserve (credits reserved, no record yet), after-texts (texts saved, not yet
// committed), after-commit (committed, record not yet done), after-refund (a failed run refunded,
// record not yet failed). With a transcript id, the run is of that transcript. The environment points the providers at the test's local server.
import { openCore } from '../../src/core/app-core'

const [dataDir, step, transcriptId] = process.argv.slice(2)
const steps = ['after-reserve', 'after-texts', 'after-commit', 'after-refund']
if (!dataDir || !step || !steps.includes(step)) throw new Error(`usage: enhance-child.ts DIR ${steps.join('|')}`)

const core = await openCore({ dataDir, shell: 'cli', version: 'test', systemLocale: 'en-US', env: process.env })

const stop = () => {
  process.stdout.write(`stopped ${step}\n`)
  process.kill(process.pid, 'SIGSTOP')
}
// the service holds this very CreditsService: wrapping its methods puts the stop between its writes
const { credits } = core
const reserve = credits.reserve.bind(credits)
const commit = credits.commit.bind(credits)
const refund = credits.refund.bind(credits)
credits.reserve = async (...args) => {
  const r = await reserve(...args)
  if (step === 'after-reserve') stop()
  return r
}
credits.commit = async (...args) => {
  if (step === 'after-texts') stop()
  await commit(...args)
  if (step === 'after-commit') stop()
}
credits.refund = async (...args) => {
  await refund(...args)
  if (step === 'after-refund') stop()
}

await core.enhance
  .run({
    text: 'bugün toplantı var. herkes gelsin.',
    provider: 'groq',
    modelId: 'llama-3.1-8b-instant',
    preset: 'cleanup',
    ...(transcriptId ? { transcriptId } : {}),
  })
  .catch(() => undefined)
// not reached when stopped and killed: a run that got past every stop says so, and the test fails
process.stdout.write('finished\n')
await core.close()
