// A separate process that records into a data folder and then waits to be killed: the
// crash-recovery test's "app that died mid-recording". Args: dataDir, wavPath, model, chunks.
import { openCore } from '../../src/core/app-core'
import { readWav } from './speech-audio'

const [dataDir, wav, model, chunks] = process.argv.slice(2) as [string, string, string, string]
const core = await openCore({ dataDir, shell: 'cli', version: 't', systemLocale: 'en', env: {}, noFallback: true })
const { id } = await core.recording.start({ deviceLabel: 'test', model, language: 'en' })
const samples = readWav(wav)
const step = 4000
let seq = 0
for (let at = 0; at < samples.length && seq < Number(chunks); at += step) {
  const part = samples.subarray(at, at + step)
  await core.recording.append(id, seq++, Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64'))
}
process.stdout.write(`recorded ${id} ${seq}\n`)
setInterval(() => undefined, 1000)
