// Makes tests/fixtures/data-v8: a data folder as the release before enhancements moved to
// library.db left it (db.json schema 8 holding the enhancement index and the owner of a running
// one; enhancements/*.json beside it). It runs that release's own enhancement code against the
// tests' local stand-in provider: one run done, one failed, one left running by a process that is
// gone (its reservation still pending). Run with that release's code, e.g. from an export of it:
//   git archive <release> src resources package.json tests/helpers | tar -x -C /tmp/rel && cp scripts/make-data-v8-fixture.ts /tmp/rel/
//   (cd /tmp/rel && ln -s <repo>/node_modules && npx tsx make-data-v8-fixture.ts <repo>/tests/fixtures/data-v8)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { openCore } from './src/core/app-core'
import { envFor, TEST_KEY } from './tests/helpers/enhance-env'
import { startFakeLlmServer } from './tests/helpers/fake-llm-server'

const out = path.resolve(process.argv[2] ?? 'data-v8')
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const server = await startFakeLlmServer({ apiKey: TEST_KEY })
const core = await openCore({ dataDir: out, shell: 'cli', version: 'fixture', systemLocale: 'tr-TR', env: envFor(server) })
const base = { provider: 'groq' as const, modelId: 'llama-3.1-8b-instant', preset: 'cleanup' as const }
await core.enhance.run({ ...base, text: 'bugün toplantı var. herkes gelsin. çığ düştü.' })
server.fail({ status: 400, body: { error: { message: 'bad request from the fixture' } } })
await core.enhance.run({ ...base, text: 'bu çalışmayacak.' }).catch(() => undefined)
// a run whose process is gone: admitted (its reservation and running record, one write), never finished
server.fail({ holdUntil: new Promise<void>(() => undefined) })
const { id } = await core.enhance.start({ ...base, text: 'yarım kalan iş.' })
const gone = { instance: 'gone-instance', pid: 999_999_99, host: 'fixture-host' }
await core.store.mutate((db) => {
  db.owners[`enhancement:${id}`] = gone
  for (const r of db.credits.reservations) if (r.ref === id) r.owner = gone
})
// the process stops here, as at a crash: its run never settles (the held answer never comes)
await core.close()
await server.close()
// what a process leaves of its own (its claim on the folder, backups of db.json) is not the record
for (const f of readdirSync(out))
  if (f === 'instances' || f.startsWith('db.json.bak')) rmSync(path.join(out, f), { recursive: true })
writeFileSync(
  path.join(out, 'README.md'),
  'A data folder of the release before enhancements moved to library.db (db.json schema 8); made by scripts/make-data-v8-fixture.ts.\n',
)
process.exit(0)
