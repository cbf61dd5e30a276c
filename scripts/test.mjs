// npm test: every check a change must pass, in order, stopping at the first failure. Each part
// reports on its own (a failure says where: typecheck, lint, format, unit, integration, build,
// browser), then one plain "N passed, N failed" line that CI can read whatever the runner prints.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs'

const vitest = (project) => [
  'npx',
  'vitest',
  'run',
  '--project',
  project,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=test-results/vitest-${project}.json`,
]
const steps = [
  ['typecheck', ['npm', 'run', '-s', 'typecheck']],
  ['lint', ['npx', 'eslint', '--max-warnings', '0', '.']],
  ['format', ['npx', 'prettier', '--check', '--log-level', 'warn', '.']],
  ['unit', vitest('unit')],
  ['integration', vitest('integration')],
  ['build', vitest('build')],
  ['browser', vitest('browser')],
  // started with the first step and run beside the others (it waits on a clock, not the CPU);
  // its result is taken last, so no part waits for its clock while the CPU has work to do
  ['long', vitest('long')],
]
const testParts = new Set(['unit', 'integration', 'long', 'build', 'browser'])
const background = new Set(['long'])

// `npm test` runs everything; `npm test -- unit` (or any part's name) runs that part alone
const only = process.argv[2]
if (only && !steps.some(([name]) => name === only)) {
  console.error(`unknown part "${only}"; parts: ${steps.map(([n]) => n).join(', ')}`)
  process.exit(2)
}
mkdirSync('test-results', { recursive: true })
const reportOf = (name) => `test-results/vitest-${name}.json`
for (const [name] of steps) if (testParts.has(name) && (!only || only === name)) rmSync(reportOf(name), { force: true })

/** The background parts, started now; each writes to its own log, shown when its turn comes. */
const started = new Map()
for (const [name, [cmd, ...args]] of steps) {
  if (!background.has(name) || (only && only !== name)) continue
  const log = `test-results/${name}.log`
  const fd = openSync(log, 'w')
  // its own process group, so that stopping it stops vitest's workers too
  const windows = process.platform === 'win32'
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], shell: windows, detached: !windows })
  closeSync(fd)
  let done = false
  const exited = new Promise((resolve) =>
    child.on('close', (status) => {
      done = true
      resolve({ status })
    }),
  )
  started.set(name, { log, exited, at: Date.now(), stop: () => done || windows || process.kill(-child.pid, 'SIGTERM') })
}
// stopped early (a step failed): the background parts stop too
process.on('exit', () => {
  for (const { stop } of started.values()) stop()
})

const summary = []
let failedStep = null
for (const [name, [cmd, ...args]] of steps) {
  if (only && only !== name) continue
  const report = reportOf(name)
  process.stdout.write(`\n▶ ${name}\n`)
  const bg = started.get(name)
  const begun = bg?.at ?? Date.now()
  const res = bg ? await bg.exited : spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' })
  if (bg) process.stdout.write(readFileSync(bg.log, 'utf8'))
  const secs = Math.round((Date.now() - begun) / 1000)
  let counts = ''
  if (testParts.has(name) && existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'))
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
    counts = { passed: r.numPassedTests, failed: r.numFailedTests, skipped }
  }
  summary.push({ name, ok: res.status === 0, secs, counts })
  if (res.status !== 0) {
    failedStep = name
    break
  }
}

console.log('\nparts:')
for (const s of summary) {
  const c = s.counts
    ? ` — ${s.counts.passed} passed, ${s.counts.failed} failed${s.counts.skipped ? `, ${s.counts.skipped} skipped` : ''}`
    : ''
  console.log(`  ${s.ok ? '✓' : '✗'} ${s.name.padEnd(12)} ${String(s.secs).padStart(4)} s${c}`)
}
const total = summary
  .filter((s) => s.counts)
  .reduce(
    (a, s) => ({ passed: a.passed + s.counts.passed, failed: a.failed + s.counts.failed, skipped: a.skipped + s.counts.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  )
if (summary.some((s) => s.counts)) {
  console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`)
}
if (failedStep) {
  console.error(`\nnpm test failed at: ${failedStep}`)
  process.exit(1)
}
