// npm run screenshots: the accessibility audit with its full-page screenshots of every page and
// view (test-results/screenshots/review/), for a person to look at; `npm test` takes none.
import { spawnSync } from 'node:child_process'

const res = spawnSync(
  'npx',
  ['vitest', 'run', '--project', 'browser', 'tests/browser/accessibility.test.ts', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    shell: process.platform === 'win32',
    env: { ...process.env, MP4TOTEXT_SCREENSHOTS: '1' },
  },
)
process.exit(res.status ?? 1)
