import { execFileSync } from 'node:child_process'
import path from 'node:path'

/** Build the renderer once for all browser tests, exactly as `npm run web` serves it. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '../..')
  execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.web.config.ts'], {
    cwd: root,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, and Vite would take it and build React's development bundle (twice
    // the size, StrictMode's double effects): the tests drive the production build that ships
    env: { ...process.env, NODE_ENV: 'production' },
  })
}
