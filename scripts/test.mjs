// npm test: every check a change must pass, in order, stopping at the first failure, and a plain
// "N passed, N failed" line at the end that CI can read whatever the runner prints.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const steps = [
  ['typecheck', ['npm', 'run', '-s', 'typecheck']],
  ['lint', ['npx', 'eslint', '--max-warnings', '0', '.']],
  ['format', ['npx', 'prettier', '--check', '--log-level', 'warn', '.']],
  ['tests', ['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json']],
]

const only = process.argv[2]
rmSync('test-results/vitest.json', { force: true })
let failedStep = null
for (const [name, [cmd, ...args]] of steps) {
  if (only && only !== name) continue
  process.stdout.write(`\n▶ ${name}\n`)
  const res = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' })
  if (res.status !== 0) {
    failedStep = name
    break
  }
}

if (existsSync('test-results/vitest.json')) {
  const r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'))
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`)
}
if (failedStep) {
  console.error(`\nnpm test failed at: ${failedStep}`)
  process.exit(1)
}
